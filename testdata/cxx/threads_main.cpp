// threads_main.cpp: std::thread, thread_local and exceptions across a
// library built by gshared. Output is deterministic: threads write into
// per-index slots and main prints after joining. See threads_expected.txt.
#include "threads.h"

#include <cstdio>
#include <stdexcept>
#include <thread>
#include <vector>

thread_local int exe_tl = 5;

int main()
{
    tl_plain += 1; // main thread: 101
    for (int i = 0; i < 3; i++)
        lib_bump();

    const int nthreads = 4;
    std::vector<std::thread> ts;
    std::vector<int> bumps(nthreads), plains(nthreads), exes(nthreads);
    for (int i = 0; i < nthreads; i++) {
        ts.emplace_back([i, &bumps, &plains, &exes] {
            // Each thread starts from the initial values, not main's.
            for (int k = 0; k <= i; k++)
                lib_bump();
            tl_plain += i;
            exe_tl += i * 10;
            bumps[i] = lib_bump_count();
            plains[i] = tl_plain;
            exes[i] = exe_tl;
        });
    }
    for (auto &t : ts)
        t.join();
    for (int i = 0; i < nthreads; i++)
        std::printf("thread %d: bumps=%d tl_plain=%d exe_tl=%d\n", i, bumps[i], plains[i], exes[i]);
    std::printf("main: bumps=%d tl_plain=%d exe_tl=%d\n", lib_bump_count(), tl_plain, exe_tl);
    std::printf("destroyed after joins: %d\n", lib_destroyed());

    try {
        lib_run_in_thread(6);
        std::printf("not reached\n");
    } catch (const std::runtime_error &e) {
        std::printf("caught from library thread: %s\n", e.what());
    }
    std::printf("destroyed at end: %d\n", lib_destroyed());
    std::printf("main bumps unchanged: %d\n", lib_bump_count());
    return 0;
}
