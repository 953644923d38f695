-- Rows start..stop of a board, the count above the first row, and the rows' profiles.
-- KEYS: state, public board, live board, profiles
-- ARGV: view ("public" | "live"), start, stop, with profiles ("1" | "0")
-- Public reads use the public board while the round holds it ("c") or is frozen ("f").
local board = KEYS[3]
if ARGV[1] == "public" then
  local state = redis.call("GET", KEYS[1])
  if state == "f" or state == "c" then board = KEYS[2] end
end
local start, stop = tonumber(ARGV[2]), tonumber(ARGV[3])
local rows, first_above, found = {}, 0, {}
if stop >= start then
  rows = redis.call("ZREVRANGE", board, start, stop, "WITHSCORES")
end
if #rows > 0 then
  first_above = redis.call("ZCOUNT", board, "(" .. rows[2], "+inf")
  if ARGV[4] == "1" then
    local members = {}
    for i = 1, #rows, 2 do members[#members + 1] = rows[i] end
    found = redis.call("HMGET", KEYS[4], unpack(members))
  end
end
return {redis.call("ZCARD", board), first_above, rows, found}
