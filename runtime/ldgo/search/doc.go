// Package search finds shared libraries the way glibc 2.36's ld.so does on
// Debian x86-64 (elf/dl-load.c, elf/dl-cache.c, elf/dl-hwcaps.c and the
// x86 sysdeps, as shipped by Debian with its patches).
//
// It is a pure library: nothing is global. The caller describes the
// process in an Env (LD_LIBRARY_PATH, AT_SECURE, CPU capabilities, the
// parsed ld.so.cache) and each object whose DT_NEEDED is searched in a
// Requester. Two entry points exist:
//
//   - Candidates lists, without touching the file system, every path
//     glibc would try for a name, in order, for a loader that opens the
//     candidates itself and takes the first usable one.
//   - State.Find runs glibc's search loop exactly, including the memory
//     ld.so keeps between searches (directories known not to exist are
//     skipped later, a list none of whose directories exists is dropped)
//     and the LD_DEBUG=libs trace, so its "trying file=" lines match
//     ld.so's line for line over a whole process. With OSFS it also stops
//     at broken files and abandons a list on the errno values glibc does,
//     which Candidates cannot know. State.FindPreload is the same for a
//     preload, which in a secure process must be set-user-ID and is not
//     looked up in the cache.
//
// The order glibc uses for a name without a slash is: DT_RPATH of the
// requester and of its loaders up the chain (only when the requester has
// no DT_RUNPATH), then the executable's DT_RPATH, LD_LIBRARY_PATH, the
// requester's own DT_RUNPATH, /etc/ld.so.cache, and the system
// directories. Every directory is tried with the glibc-hwcaps
// subdirectories first, then the legacy hwcaps power set (tls, platform,
// x86_64, avx512_1), then the directory itself.
package search
