// shared.h: interface between libcxxtest.so (lib.cpp) and main.cpp.
#ifndef CXX_SHARED_H
#define CXX_SHARED_H

#include <stdexcept>
#include <string>
#include <vector>

// LibError is thrown by the library and caught by the executable. Its key
// function (what) is defined in lib.cpp, so its vtable and typeinfo exist only
// in the library: catching it in main needs the library's _ZTI8LibError.
class LibError : public std::runtime_error {
public:
    LibError(const std::string &msg, int code) : std::runtime_error(msg), code_(code) {}
    const char *what() const noexcept override;
    int code() const { return code_; }

private:
    int code_;
};

// twice is instantiated by both the library and the executable (COMDAT groups
// for twice<int> and twice<std::string> in both), so the two copies must
// resolve to one definition at run time.
template <class T> T twice(T x) { return x + x; }

// A function-local static in an inline function: GCC makes the variable
// STB_GNU_UNIQUE, and the library and the executable must share one instance.
inline int &shared_counter()
{
    static int c;
    return c;
}

std::string lib_describe(const std::vector<int> &v);
int lib_twice_sum(const std::vector<int> &v);
void lib_throw(int code);
// lib_call runs cb and turns any std::exception it throws into a LibError,
// so an exception crosses main -> lib -> main.
void lib_call(void (*cb)());
int lib_bump_shared();
const void *lib_twice_int_addr();

#endif
