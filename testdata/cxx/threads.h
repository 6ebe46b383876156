// threads.h: interface of libcxxthreads.so (threads_lib.cpp), used by
// threads_main.cpp.
#ifndef CXX_THREADS_H
#define CXX_THREADS_H

#include <exception>
#include <string>

// Exported thread_local with a trivial initialiser: the executable reads and
// writes it directly (TLS access to another module's variable).
extern thread_local int tl_plain;

// Per-thread call count kept in a thread_local object with a constructor and
// destructor (TLS init wrapper + __cxa_thread_atexit).
int lib_bump();
int lib_bump_count();
// Runs work in a std::thread started inside the library; an exception thrown
// there is carried back with std::exception_ptr and rethrown to the caller.
void lib_run_in_thread(int n);
// Number of thread_local objects destroyed so far (all threads).
int lib_destroyed();

#endif
