-- Add scored answers on one round shard: a ZINCRBY on the "all" board per answer, then one
-- ZADD per other board for the whole batch (boards.lua, set_score).
-- (Prepended: the records' names, records.py, and boards.lua, which defines add_to_boards,
-- shared with the answer script.)
-- KEYS: profiles, state (the competition's board: competition_add.lua)
-- ARGV: round shard base key, then quadruples: contestant, points, response_ms, and
--       points * 2^21 - response_ms (add_to_boards's plain)
-- Returns per answer the new round score, or "unknown_contestant" / "out_of_range"
-- (nothing written for that answer).
-- The batch's profiles in one call: a call per answer cost Redis more than the read.
local contestants = {}
for i = 2, #ARGV, 4 do contestants[#contestants + 1] = ARGV[i] end
local profiles = redis.call("HMGET", KEYS[1], unpack(contestants))
local results = {}
for n, contestant in ipairs(contestants) do
  local i = 4 * n - 2
  results[n] = add_to_boards(ARGV[1], profiles[n], KEYS[2], contestant,
    tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2]), ARGV[i + 3])
end
flush_scores()
return results
