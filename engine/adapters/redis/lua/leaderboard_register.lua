-- Register contestants on the boards of one round shard (its competition's: leaderboard.py,
-- in the competition's slot).
-- (Prepended: the records' names, records.py, and boards.lua, which defines
-- region_and_team, scope_names and state_of.)
-- KEYS: profiles, state, scopes
-- ARGV: round shard base key, then pairs: contestant, profile (a PROFILE record)
-- Returns per contestant 1, or "profile_conflict" (region or team changed; nothing written).
local profiles, state, scopes = KEYS[1], KEYS[2], KEYS[3]
local base = ARGV[1]
local views = {"live"}
-- Freeze planned, or public boards held until a question closes: both, at 0 points.
if state_of(state) == "p" or state_of(state) == "c" then views[2] = "public" end
local results = {}
for i = 2, #ARGV, 2 do
  local contestant, profile = ARGV[i], ARGV[i + 1]
  local region, team = region_and_team(profile)
  local old = redis.call("HGET", profiles, contestant)
  local old_region, old_team
  if old then old_region, old_team = region_and_team(old) end
  if old and (old_region ~= region or old_team ~= team) then
    results[#results + 1] = "profile_conflict"
  else
    redis.call("HSET", profiles, contestant, profile)
    for _, name in ipairs(scope_names(region, team)) do
      redis.call("SADD", scopes, name)
      for _, view in ipairs(views) do
        redis.call("ZADD", base .. ":" .. view .. ":" .. name, "NX", 0, contestant)
      end
    end
    results[#results + 1] = 1
  end
end
return results
