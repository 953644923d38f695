-- Void a skipped question's answers on one board shard, each contestant exactly once.
-- (Prepended: boards.lua, which defines remove_from_boards.)
-- KEYS: 1 the question's answers, 2 its applied deltas, 3 progress,
--       4 board profiles, 5 board state [, 6 competition board]
-- ARGV: 1 board base, then pairs: contestant, their result as it reads once voided (JSON)
-- A delta reads "status|delta|competition delta|views|progress before|progress after"
-- (status "applied" or "voided"; competition delta "" without a competition board;
-- views "live" or "live+public"), as the answer script wrote it.
-- Returns per contestant 1 (voided now) or 0 (voided before, or nothing applied).
local results = {}
for i = 2, #ARGV, 2 do
  local contestant = ARGV[i]
  local recorded = redis.call("HGET", KEYS[2], contestant)
  local status, d, competition_delta, views, before, after
  if recorded then
    status, d, competition_delta, views, before, after = string.match(recorded,
      "^(%a+)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)$")
  end
  if status ~= "applied" then
    results[#results + 1] = 0
  else
    remove_from_boards(ARGV[1], KEYS[4], KEYS[5], KEYS[6], contestant, tonumber(d),
      tonumber(competition_delta), views == "live+public")
    redis.call("HSET", KEYS[2], contestant, "voided" .. string.sub(recorded, #status + 1))
    redis.call("HSET", KEYS[1], contestant, ARGV[i + 1])
    -- The question never happened for the streak either: undo its step unless a later
    -- answer has moved the streak on since.
    if (redis.call("HGET", KEYS[3], contestant) or "") == after then
      if before == "" then
        redis.call("HDEL", KEYS[3], contestant)
      else
        redis.call("HSET", KEYS[3], contestant, before)
      end
    end
    results[#results + 1] = 1
  end
end
return results
