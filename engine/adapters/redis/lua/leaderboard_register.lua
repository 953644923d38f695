-- Register contestants on the boards of one round shard (and of its competition).
-- KEYS: profiles, state, scopes [, competition board, competition profiles]
-- ARGV: round shard base key, then pairs: contestant, profile ("region\tteam\tnickname")
-- Returns per contestant 1, or "profile_conflict" (region or team changed; nothing written).
local profiles, state, scopes = KEYS[1], KEYS[2], KEYS[3]
local base = ARGV[1]
local views = {"live"}
if redis.call("GET", state) == "p" then views[2] = "public" end  -- freeze planned: both
local results = {}
for i = 2, #ARGV, 2 do
  local contestant, profile = ARGV[i], ARGV[i + 1]
  local region, team = string.match(profile, "^([^\t]*)\t([^\t]*)\t")
  local old = redis.call("HGET", profiles, contestant)
  if old and string.match(old, "^[^\t]*\t[^\t]*\t") ~= region .. "\t" .. team .. "\t" then
    results[#results + 1] = "profile_conflict"
  else
    redis.call("HSET", profiles, contestant, profile)
    local names = {"all"}
    if region ~= "" then names[#names + 1] = "region:" .. region end
    if team ~= "" then names[#names + 1] = "team:" .. team end
    for _, name in ipairs(names) do
      redis.call("SADD", scopes, name)
      for _, view in ipairs(views) do
        redis.call("ZADD", base .. ":" .. view .. ":" .. name, "NX", 0, contestant)
      end
    end
    if KEYS[4] then
      redis.call("ZADD", KEYS[4], "NX", 0, contestant)
      redis.call("HSET", KEYS[5], contestant, profile)
    end
    results[#results + 1] = 1
  end
end
return results
