// lib.cpp: built with -fpic into libcxxtest.so.
#include "shared.h"

#include <cstdio>
#include <numeric>

const char *LibError::what() const noexcept { return std::runtime_error::what(); }

namespace {

// Tracer prints when constructed and destroyed, so the tests can check the
// order of static initialisation and finalisation.
struct Tracer {
    explicit Tracer(const char *n) : name(n) { std::printf("ctor %s\n", name); std::fflush(stdout); }
    ~Tracer() { std::printf("dtor %s\n", name); std::fflush(stdout); }
    const char *name;
};

// Two globals in one translation unit: constructed in order, destroyed in
// reverse.
Tracer first("lib-first");
Tracer second("lib-second");

} // namespace

std::string lib_describe(const std::vector<int> &v)
{
    std::string s = "[";
    for (size_t i = 0; i < v.size(); i++) {
        if (i)
            s += ' ';
        s += std::to_string(v[i]);
    }
    return twice<std::string>(s + "]");
}

int lib_twice_sum(const std::vector<int> &v)
{
    return twice<int>(std::accumulate(v.begin(), v.end(), 0));
}

void lib_throw(int code)
{
    throw LibError("thrown from the library", code);
}

void lib_call(void (*cb)())
{
    try {
        cb();
    } catch (const std::exception &e) {
        throw LibError(std::string("lib_call caught: ") + e.what(), 7);
    }
}

int lib_bump_shared() { return ++shared_counter(); }

const void *lib_twice_int_addr() { return reinterpret_cast<const void *>(&twice<int>); }
