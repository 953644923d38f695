-- Store a self-paced contestant's attempt (a delivery starting a question's clock) if it
-- and their progress are still as the caller knew them, the round's window runs and no
-- host banned them: what a read and a compare-and-set did, in one round trip.
-- KEYS: 1 the round's live hash, 2 its attempts, 3 its progress, 4 its kicked set
-- ARGV: 1 contestant, 2 the attempt known, 3 the progress known (PROGRESS, "" for none),
--    4 the attempt to store
-- Returns "saved" | "banned" | "finished" (the round's window no longer runs) | "moved"
-- (the attempt or progress is not as known: read them again)
local contestant = ARGV[1]
if redis.call("SISMEMBER", KEYS[4], contestant) == 1 then return "banned" end
if not redis.call("HGET", KEYS[1], "window") then return "finished" end
if redis.call("HGET", KEYS[2], contestant) ~= ARGV[2]
  or (redis.call("HGET", KEYS[3], contestant) or "") ~= ARGV[3] then
  return "moved"
end
if ARGV[4] ~= ARGV[2] then redis.call("HSET", KEYS[2], contestant, ARGV[4]) end
return "saved"
