-- Ban a contestant from a round, or lift the ban, in one atomic step.
-- (Prepended: the records' names, records.py, and boards.lua, which defines
-- region_and_team, scope_names and state_of.)
-- KEYS: 1 kicked set, 2 banned entry keys (key -> contestant), 3 entry keys (contestant ->
--       keys joined by "\31"), 4 board profiles, 5 board state, 6 banned scores (contestant
--       -> JSON {"<view>:<scope>": score})
-- ARGV: 1 "ban" | "lift", 2 contestant, 3 board base
-- Returns 1, or 0 when there was nothing to do (already banned; not banned).
local kicked, banned, entry_keys, profiles, state, saved = KEYS[1], KEYS[2], KEYS[3],
  KEYS[4], KEYS[5], KEYS[6]
local contestant, base = ARGV[2], ARGV[3]
local keys = redis.call("HGET", entry_keys, contestant) or ""
local profile = redis.call("HGET", profiles, contestant)

if ARGV[1] == "ban" then
  if redis.call("SADD", kicked, contestant) == 0 then return 0 end
  for key in string.gmatch(keys, "[^\31]+") do redis.call("HSET", banned, key, contestant) end
  if profile then
    -- Off every board of the round (what contestants, spectators and the host's live
    -- view read); the scores wait aside, for the results and for a lift.
    local scores = {}
    for _, view in ipairs({"live", "public"}) do
      for _, name in ipairs(scope_names(region_and_team(profile))) do
        local board = base .. ":" .. view .. ":" .. name
        local score = redis.call("ZSCORE", board, contestant)
        if score then
          scores[view .. ":" .. name] = score
          redis.call("ZREM", board, contestant)
        end
      end
    end
    redis.call("HSET", saved, contestant, cjson.encode(scores))
  end
  return 1
end

if redis.call("SREM", kicked, contestant) == 0 then return 0 end
for key in string.gmatch(keys, "[^\31]+") do
  if redis.call("HGET", banned, key) == contestant then redis.call("HDEL", banned, key) end
end
local scores = redis.call("HGET", saved, contestant)
if scores then
  local thawed = state_of(state) == "t"  -- a thawed round has no public boards any more
  for name, score in pairs(cjson.decode(scores)) do
    if not (thawed and string.sub(name, 1, 7) == "public:") then
      redis.call("ZADD", base .. ":" .. name, score, contestant)
    end
  end
  redis.call("HDEL", saved, contestant)
end
return 1
