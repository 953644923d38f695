-- Add answers to one shard of a competition's board: the competition's own call, after
-- the round's script accepted them (a competition has a slot of its own on a Redis
-- Cluster). Each named answer counts once however often it comes: from the answer's
-- flight, and again from the drain, which replays every drained answer in case a process
-- died between the round's call and this one (docs/redis-keys.md).
-- (Prepended: the records' names, records.py, and boards.lua, which defines score_delta.)
-- KEYS: 1 the competition shard's board [, 2 the round's applied answers there: name ->
--       the delta added, "refused" (out of range) or "voided"]
-- ARGV: 1 how long the applied answers are kept (ms), or "check" (nothing written: would
--       the board take each?), then quadruples: contestant, points, response_ms, the
--       answer's name ("<question>:<contestant>"; unused without KEYS[2])
-- Returns per answer the new competition score (checking: 1), "duplicate" (named and
-- counted before) or "out_of_range" (nothing added).
local board, applied = KEYS[1], KEYS[2]
local writing = ARGV[1] ~= "check"
local results = {}
for i = 2, #ARGV, 4 do
  local contestant, name = ARGV[i], ARGV[i + 3]
  if applied and redis.call("HEXISTS", applied, name) == 1 then
    results[#results + 1] = "duplicate"
  else
    local score = tonumber(redis.call("ZSCORE", board, contestant) or "0")
    local d = score_delta(score, tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2]))
    if not d then
      results[#results + 1] = "out_of_range"
    elseif writing then
      results[#results + 1] = tonumber(redis.call("ZINCRBY", board, d, contestant))
    else
      results[#results + 1] = 1
    end
    if applied and writing then redis.call("HSET", applied, name, d and score_text(d) or "refused") end
  end
end
if applied and writing then redis.call("PEXPIRE", applied, ARGV[1]) end
return results
