// threads_lib.cpp: built with -fpic into libcxxthreads.so.
#include "threads.h"

#include <atomic>
#include <stdexcept>
#include <thread>

thread_local int tl_plain = 100;

namespace {

std::atomic<int> destroyed{0};

struct Counter {
    Counter() : n(0) {}
    ~Counter() { destroyed.fetch_add(1); }
    int n;
};

thread_local Counter counter; // dynamic TLS init: goes through _ZTW/_ZTH

} // namespace

int lib_bump() { return ++counter.n; }
int lib_bump_count() { return counter.n; }
int lib_destroyed() { return destroyed.load(); }

void lib_run_in_thread(int n)
{
    std::exception_ptr err;
    std::thread t([&] {
        try {
            for (int i = 0; i < n; i++)
                lib_bump();
            if (lib_bump_count() == n)
                throw std::runtime_error("thread saw " + std::to_string(n) + " bumps");
        } catch (...) {
            err = std::current_exception();
        }
    });
    t.join();
    if (err)
        std::rethrow_exception(err);
}
