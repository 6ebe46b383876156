/*
 * Embeds Lua 5.4 and runs a script with closures, coroutines, string
 * formatting, a table sort with a Lua comparator (C -> Lua -> C callbacks),
 * an error caught with pcall, and a write to io.stderr. Deterministic output:
 * stdout must equal expected.txt and stderr expected_stderr.txt.
 */
#include <stdio.h>
#include <lua.h>
#include <lualib.h>
#include <lauxlib.h>

static const char *script =
    "local function counter()\n"
    "  local n = 0\n"
    "  return function() n = n + 1; return n end\n"
    "end\n"
    "local c1, c2 = counter(), counter()\n"
    "c1(); c1()\n"
    "print('closures', c1(), c2())\n"
    "local gen = coroutine.wrap(function()\n"
    "  local a, b = 0, 1\n"
    "  for i = 1, 10 do coroutine.yield(a); a, b = b, a + b end\n"
    "end)\n"
    "local fib = {}\n"
    "for i = 1, 10 do fib[#fib + 1] = gen() end\n"
    "print('fib', table.concat(fib, ' '))\n"
    "local co = coroutine.create(function(x) local y = coroutine.yield(x * 2); return x + y end)\n"
    "local _, r1 = coroutine.resume(co, 20)\n"
    "local _, r2 = coroutine.resume(co, 3)\n"
    "print('coroutine', r1, r2, coroutine.status(co))\n"
    "local t = {5, 3, 9, 1, 7}\n"
    "table.sort(t, function(a, b) return a > b end)\n"
    "print('sorted', table.concat(t, ','))\n"
    "print(string.format('format %5.2f %d %s %x', math.pi, 2^31 // 1, ('lua'):upper(), 255))\n"
    "print('gsub', (string.gsub('hello world', 'o', '0')))\n"
    "local ok, err = pcall(function() error({code = 42}) end)\n"
    "print('pcall', ok, err.code)\n"
    "io.stderr:write('to stderr\\n')\n"
    "print('integer division', 7 // 2, 7 % 3, 2^10)\n";

int main(void)
{
    lua_State *L = luaL_newstate();

    if (!L) {
        fprintf(stderr, "luaL_newstate failed\n");
        return 1;
    }
    luaL_openlibs(L);
    if (luaL_dostring(L, script) != LUA_OK) {
        fprintf(stderr, "lua error: %s\n", lua_tostring(L, -1));
        lua_close(L);
        return 1;
    }
    lua_getglobal(L, "_VERSION");
    printf("version %s\n", lua_tostring(L, -1));
    lua_close(L);
    return 0;
}
