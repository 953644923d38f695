-- Void a skipped question's answers on one shard of a competition's board, each once:
-- what competition_add.lua recorded is taken back, and an answer not added yet is
-- recorded "voided", so the drain's replay of it adds nothing.
-- (Prepended: the records' names, records.py.)
-- KEYS: 1 the competition shard's board, 2 the round's applied answers there
-- ARGV: 1 how long the applied answers are kept (ms), then pairs: contestant, the
--       answer's name ("<question>:<contestant>")
-- Returns how many answers were taken back now.
local board, applied = KEYS[1], KEYS[2]
local taken = 0
for i = 2, #ARGV, 2 do
  local recorded = redis.call("HGET", applied, ARGV[i + 1])
  if recorded ~= "voided" then
    local d = recorded and tonumber(recorded)
    if d then
      redis.call("ZINCRBY", board, -d, ARGV[i])
      taken = taken + 1
    end
    redis.call("HSET", applied, ARGV[i + 1], "voided")
  end
end
redis.call("PEXPIRE", applied, ARGV[1])
return taken
