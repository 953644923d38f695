-- Accept one answer, exactly once: the whole hot path of DESIGN.md in one atomic call.
-- (Prepended: boards.lua, which defines add_to_boards.)
-- KEYS: 1 round live hash, 2 this question's answers, 3 this question's option counts,
--       4 progress (contestant -> "streak,last_index"), 5 answer log stream,
--       6 this question's applied deltas (see void.lua),
--       7 board profiles, 8 board state [, 9 competition board, 10 competition profiles]
-- ARGV: 1 contestant, 2 question index, 3 gate ("live": the question must be the open
--       one; "own": the caller checked the contestant's own clock), 4 expected progress,
--       5 new progress, 6 expected board score, 7 points, 8 response_ms, 9 result (JSON),
--       10 board base, 11 options for the histogram, space-separated (choice keys have
--       no spaces), 12-13 the log entry's field and value (answer_log.py).
-- Returns {"accepted", result} | {"duplicate", first result} | {"closed"} | {"retry"}
--       | {"refused", reason}.
local contestant, index = ARGV[1], ARGV[2]
if ARGV[3] == "live" then
  local live = redis.call("HMGET", KEYS[1], "status", "index")
  if live[1] ~= "question_open" or live[2] ~= index then return {"closed"} end
end
local first = redis.call("HGET", KEYS[2], contestant)
if first then return {"duplicate", first} end
-- Scored from what the caller read; if a concurrent answer changed it, score again.
if (redis.call("HGET", KEYS[4], contestant) or "") ~= ARGV[4] then return {"retry"} end
local score = redis.call("ZSCORE", ARGV[10] .. ":live:all", contestant)
if tonumber(score or "0") ~= tonumber(ARGV[6]) then return {"retry"} end
local added, d, competition_delta, public = add_to_boards(ARGV[10], KEYS[7], KEYS[8], KEYS[9],
  KEYS[10], contestant, tonumber(ARGV[7]), tonumber(ARGV[8]))
if type(added) == "string" then return {"refused", added} end
-- What a skip must take back; only a live question can be skipped.
if ARGV[3] == "live" then
  redis.call("HSET", KEYS[6], contestant, table.concat({"applied", score_text(d),
    competition_delta and score_text(competition_delta) or "", public and "live+public" or "live",
    ARGV[4], ARGV[5]}, "|"))
end
redis.call("HSET", KEYS[2], contestant, ARGV[9])
redis.call("HSET", KEYS[4], contestant, ARGV[5])
for option in string.gmatch(ARGV[11], "%S+") do redis.call("HINCRBY", KEYS[3], option, 1) end
redis.call("XADD", KEYS[5], "*", ARGV[12], ARGV[13])
return {"accepted", ARGV[9]}
