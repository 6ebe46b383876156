// main.cpp: linked against libcxxtest.so. The expected output (expected.txt)
// is exact: it checks static constructor/destructor order across the library
// and the executable, exceptions thrown from and through the library, and
// that COMDAT/unique symbols are shared.
#include "shared.h"

#include <cstdio>
#include <cstdlib>

namespace {

struct ExeTracer {
    ExeTracer() { std::printf("ctor exe\n"); std::fflush(stdout); }
    ~ExeTracer() { std::printf("dtor exe\n"); std::fflush(stdout); }
};
ExeTracer exe_tracer;

void throws_out_of_range() { throw std::out_of_range("index 9 out of range"); }

} // namespace

int main()
{
    std::printf("main start\n");

    std::vector<int> v{1, 2, 3};
    std::printf("describe: %s\n", lib_describe(v).c_str());
    std::printf("twice_sum: %d\n", lib_twice_sum(v));
    std::printf("exe twice: %d %s\n", twice<int>(21), twice<std::string>("ab").c_str());
    std::printf("same twice<int>: %s\n",
                lib_twice_int_addr() == reinterpret_cast<const void *>(&twice<int>) ? "yes" : "no");

    // One counter shared by both sides: 1 (lib), 2 (exe), 3 (lib).
    int a = lib_bump_shared();
    int b = ++shared_counter();
    int c = lib_bump_shared();
    std::printf("shared counter: %d %d %d\n", a, b, c);

    try {
        lib_throw(42);
        std::printf("not reached\n");
    } catch (const LibError &e) {
        std::printf("caught LibError: %s (code %d)\n", e.what(), e.code());
    }

    try {
        lib_call(throws_out_of_range);
        std::printf("not reached\n");
    } catch (const std::runtime_error &e) {
        // Caught through the base class: the typeinfo chain must resolve.
        const LibError *le = dynamic_cast<const LibError *>(&e);
        std::printf("caught runtime_error: %s (LibError: %s, code %d)\n", e.what(),
                    le ? "yes" : "no", le ? le->code() : -1);
    }

    std::printf("main end\n");
    std::fflush(stdout);
    return 0;
}
