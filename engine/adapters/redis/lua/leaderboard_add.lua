-- Add scored answers on one round shard: one ZINCRBY of the composite delta per board.
-- (Prepended: the records' names, records.py, and boards.lua, which defines add_to_boards,
-- shared with the answer script.)
-- KEYS: profiles, state [, competition board, competition profiles]
-- ARGV: round shard base key, then triples: contestant, points, response_ms
-- Returns per answer the new round score, or "unknown_contestant" / "out_of_range"
-- (nothing written for that answer).
local results = {}
for i = 2, #ARGV, 3 do
  results[#results + 1] = add_to_boards(ARGV[1], KEYS[1], KEYS[2], KEYS[3], KEYS[4],
    ARGV[i], tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2]))
end
return results
