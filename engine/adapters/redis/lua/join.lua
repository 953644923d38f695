-- A new contestant, unless one of their entry keys is held or banned.
-- (Prepended: the records' names, records.py.)
-- KEYS: 1 entry keys -> contestant, 2 contestants, 3 next-contestant, 4 the round's answer
--       log, 5 banned entry keys -> contestant, 6 contestant -> their entry keys, 7 the
--       log's listed marker (answer_log.py)
-- ARGV: 1 how many keys are unique (the first ones), 2 how many keys in all, then the
--       keys, the profile JSON, the log entry's fields and values
-- Returns {1, new contestant} | {0, contestant holding a unique key} | {2, banned one}
-- | "unlisted" (nothing written: list the log, then call again).
local unique, all = tonumber(ARGV[1]), tonumber(ARGV[2])
for i = 3, all + 2 do
  local banned = redis.call("HGET", KEYS[5], ARGV[i])
  if banned then return {2, banned} end
end
for i = 3, unique + 2 do
  local existing = redis.call("HGET", KEYS[1], ARGV[i])
  if existing then return {0, existing} end
end
if redis.call("EXISTS", KEYS[7]) == 0 then return "unlisted" end
local contestant = tostring(redis.call("INCR", KEYS[3]))
for i = 3, unique + 2 do redis.call("HSET", KEYS[1], ARGV[i], contestant) end
redis.call("HSET", KEYS[6], contestant, table.concat({unpack(ARGV, 3, all + 2)}, "\31"))
redis.call("HSET", KEYS[2], contestant, ARGV[all + 3])
-- The id is made here, so it goes beside the entry's record.
local log = {LOG_CONTESTANT, contestant}
for i = all + 4, #ARGV do log[#log + 1] = ARGV[i] end
redis.call("XADD", KEYS[4], "*", unpack(log))
return {1, contestant}
