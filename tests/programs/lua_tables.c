// The Lua 5.4 interpreter (Debian's liblua5.4.a, linked statically) running a table- and
// string-heavy script: its garbage collector allocates and frees memory all the time, so
// memory that changed owner without the CPU knowing shows up as wrong output or a crash.
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <stdio.h>

static const char script[] =
    "local words = {}\n"
    "for i = 1, 20000 do\n"
    "  words[i] = string.format('w%05d-%s', (i * 7919) % 20000, string.rep(string.char(97 + i % "
    "26), i % 13))\n"
    "end\n"
    "table.sort(words)\n"
    "local counts = {}\n"
    "for _, word in ipairs(words) do\n"
    "  local key = word:sub(-1)\n"
    "  counts[key] = (counts[key] or 0) + 1\n"
    "end\n"
    "local keys = {}\n"
    "for key in pairs(counts) do keys[#keys + 1] = key end\n"
    "table.sort(keys)\n"
    "local parts = {}\n"
    "for _, key in ipairs(keys) do parts[#parts + 1] = key .. '=' .. counts[key] end\n"
    "print('first ' .. words[1] .. ', last ' .. words[#words])\n"
    "print('counts ' .. table.concat(parts, ' '))\n"
    "local tree = {}\n"
    "for round = 1, 30 do\n"
    "  local nodes = {}\n"
    "  for i = 1, 2000 do nodes[i] = {id = i, name = 'node' .. i .. ':' .. round, children = {}} "
    "end\n"
    "  for i = 2, #nodes do local parent = nodes[i // 2]; parent.children[#parent.children + 1] = "
    "nodes[i] end\n"
    "  tree[round % 5] = nodes[1]\n"
    "  collectgarbage('step', 50)\n"
    "end\n"
    "local function weigh(node) local total = #node.name; for _, child in ipairs(node.children) do "
    "total = total + weigh(child) end; return total end\n"
    "local weights = {}\n"
    "for i = 0, 4 do weights[#weights + 1] = weigh(tree[i]) end\n"
    "print('tree weights ' .. table.concat(weights, ' '))\n"
    "local text = string.rep('The quick brown fox jumps over the lazy dog. ', 2000)\n"
    "local replaced, n = text:gsub('(%w+)', function(w) return w:upper():reverse() end)\n"
    "local sum = 0\n"
    "for i = 1, #replaced, 97 do sum = (sum * 31 + replaced:byte(i)) % 1000000007 end\n"
    "print('gsub ' .. n .. ' words, checksum ' .. sum)\n"
    "collectgarbage('collect')\n"
    "print('lua_tables: done')\n";

int main(void) {
    lua_State* state = luaL_newstate();
    if (!state) {
        puts("luaL_newstate failed");
        return 1;
    }
    luaL_openlibs(state);
    if (luaL_loadbuffer(state, script, sizeof script - 1, "script") != LUA_OK ||
        lua_pcall(state, 0, 0, 0) != LUA_OK) {
        printf("lua error: %s\n", lua_tostring(state, -1));
        return 1;
    }
    lua_close(state);
    return 0;
}
