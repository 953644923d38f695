-- A contestant leaves a live round's lobby: the entry goes, as if it had never joined.
-- (Prepended: the records' names, records.py, and boards.lua, which defines
-- region_and_team and scope_names.)
-- KEYS: 1 round state (the live hash), 2 contestants, 3 entry keys -> contestant,
--       4 contestant -> entry keys, 5 board profiles, 6 the round's answer log, 7 the
--       log's listed marker (answer_log.py)
-- ARGV: 1 contestant, 2 board base, then the log entry's fields and values
-- Returns "left" (the entry is gone), "kept" (the round has started: the entry stays
-- for the record), "gone" (no such entry: it left before, or never joined) or "unlisted"
-- (nothing written: list the log, then call again).
local live, contestants, holders, entry_keys, profiles = KEYS[1], KEYS[2], KEYS[3],
  KEYS[4], KEYS[5]
local contestant, base = ARGV[1], ARGV[2]
if redis.call("HEXISTS", contestants, contestant) == 0 then return "gone" end
-- Checked here, atomically with the removal: a start between a read and the removal
-- would lose an entry the started round already counts.
if redis.call("HGET", live, "status") ~= "lobby" then return "kept" end
if redis.call("EXISTS", KEYS[7]) == 0 then return "unlisted" end
local keys = redis.call("HGET", entry_keys, contestant) or ""
for key in string.gmatch(keys, "[^\31]+") do
  if redis.call("HGET", holders, key) == contestant then redis.call("HDEL", holders, key) end
end
local profile = redis.call("HGET", profiles, contestant)
if profile then
  for _, view in ipairs({"live", "public"}) do
    for _, name in ipairs(scope_names(region_and_team(profile))) do
      redis.call("ZREM", base .. ":" .. view .. ":" .. name, contestant)
    end
  end
  redis.call("HDEL", profiles, contestant)
end
redis.call("HDEL", entry_keys, contestant)
redis.call("HDEL", contestants, contestant)
redis.call("XADD", KEYS[6], "*", unpack(ARGV, 3))
return "left"
