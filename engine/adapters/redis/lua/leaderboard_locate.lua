-- Where a contestant (or a score and contestant id from another shard) stands on a board,
-- with the rows `around` places either side and their profiles, in one call.
-- KEYS: state, public board, live board, profiles
-- ARGV: view, contestant, score ("" = the contestant's own score on this board), around
-- Returns nil when the contestant has no score here, else
-- {score, position, above, below, count, window start, above the window's first row,
--  window rows (member, score, ...), window profiles}.
local board = KEYS[3]
if ARGV[1] == "public" then
  local state = redis.call("GET", KEYS[1])
  if state == "f" or state == "c" then board = KEYS[2] end
end
local contestant, score, around = ARGV[2], ARGV[3], tonumber(ARGV[4])

-- Redis orders equal scores by member bytes; Lua's < on strings follows the locale.
local function after_in_bytes(a, b)
  for i = 1, math.min(#a, #b) do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x > y end
  end
  return #a > #b
end

local position
if score == "" then
  score = redis.call("ZSCORE", board, contestant)
  if not score then return nil end
  position = redis.call("ZREVRANK", board, contestant)
else
  -- Binary search among the equal scores (ordered by member bytes, descending).
  local low = redis.call("ZCOUNT", board, "(" .. score, "+inf")
  local high = low + redis.call("ZCOUNT", board, score, score)
  while low < high do
    local middle = math.floor((low + high) / 2)
    local member = redis.call("ZREVRANGE", board, middle, middle)[1]
    if after_in_bytes(member, contestant) then low = middle + 1 else high = middle end
  end
  position = low
end
local above = redis.call("ZCOUNT", board, "(" .. score, "+inf")
local below = redis.call("ZCOUNT", board, "-inf", "(" .. score)
local start = math.max(0, position - around)
local rows = redis.call("ZREVRANGE", board, start, position + around, "WITHSCORES")
local first_above, found = 0, {}
if #rows > 0 then
  first_above = redis.call("ZCOUNT", board, "(" .. rows[2], "+inf")
  local members = {}
  for i = 1, #rows, 2 do members[#members + 1] = rows[i] end
  found = redis.call("HMGET", KEYS[4], unpack(members))
end
return {score, position, above, below, redis.call("ZCARD", board), start, first_above, rows, found}
