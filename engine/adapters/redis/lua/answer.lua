-- Accept answers, each exactly once: the whole hot path of DESIGN.md in one atomic call,
-- for every answer the process queued while its last call was in flight (coalescing.py).
-- (Prepended: boards.lua, which defines add_to_boards.)
-- KEYS: 1 the answer log stream
-- ARGV: 1 the log entry's field (answer_log.py), then one argument per answer: its FIELDS
--    values joined by the unit separator "\31" (none of them holds one; redis-py packs
--    each argument in Python, and per value that was most of the process's cost of a call):
--    1 round live hash, 2 this question's answers, 3 this question's option counts,
--    4 progress (contestant -> "streak,last_index"), 5 this question's applied deltas
--    (see void.lua), 6 kicked set, 7 board profiles, 8 board state, 9 competition board
--    or "", 10 competition profiles or "", 11 board base, 12 contestant, 13 question
--    index, 14 gate: the round's seq the answer was judged at ("live": the state must
--    still be that one; "" for "own": the caller checked the contestant's own clock),
--    15 expected progress, 16 new progress, 17 expected board score, 18 points,
--    19 response_ms, 20 result (JSON), 21 options for the histogram, space-separated
--    (choice keys have no spaces), 22 the log entry's value.
-- Returns per answer {"accepted", new round score} | {"duplicate", first result}
--    | {"stale"} (the round moved on: judge again) | {"retry", progress, score} (scored
--    from an old streak or total: score again from these) | {"refused", reason}
--    ("malformed": not FIELDS values; the others in the call still count).
local FIELDS = 22

local function accept(a)
  local contestant, live = a[12], a[14] ~= ""
  if live and redis.call("HGET", a[1], "seq") ~= a[14] then return {"stale"} end
  if redis.call("SISMEMBER", a[6], contestant) == 1 then return {"refused", "kicked"} end
  local first = redis.call("HGET", a[2], contestant)
  if first then return {"duplicate", first} end
  -- Scored from what the caller knew; if a concurrent answer changed it, score again.
  local progress = redis.call("HGET", a[4], contestant) or ""
  local score = redis.call("ZSCORE", a[11] .. ":live:all", contestant)
  if progress ~= a[15] or tonumber(score or "0") ~= tonumber(a[17]) then
    return {"retry", progress, score or ""}
  end
  local competition_board = a[9] ~= "" and a[9] or nil
  local competition_profiles = a[10] ~= "" and a[10] or nil
  local total, d, competition_delta, public = add_to_boards(a[11], a[7], a[8],
    competition_board, competition_profiles, contestant, tonumber(a[18]), tonumber(a[19]))
  if type(total) == "string" then return {"refused", total} end
  -- What a skip must take back; only a live question can be skipped.
  if live then
    redis.call("HSET", a[5], contestant, table.concat({"applied", score_text(d),
      competition_delta and score_text(competition_delta) or "",
      public and "live+public" or "live", a[15], a[16]}, "|"))
  end
  redis.call("HSET", a[2], contestant, a[20])
  redis.call("HSET", a[4], contestant, a[16])
  for option in string.gmatch(a[21], "%S+") do redis.call("HINCRBY", a[3], option, 1) end
  redis.call("XADD", KEYS[1], "*", ARGV[1], a[22])
  return {"accepted", score_text(total)}
end

local replies = {}
for i = 2, #ARGV do
  local a = {}
  for value in string.gmatch(ARGV[i] .. "\31", "(.-)\31") do a[#a + 1] = value end
  replies[#replies + 1] = #a == FIELDS and accept(a) or {"refused", "malformed"}
end
return replies
