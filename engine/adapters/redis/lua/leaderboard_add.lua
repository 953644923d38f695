-- Add scored answers on one round shard: one ZINCRBY of the composite delta per board.
-- KEYS: profiles, state [, competition board, competition profiles]
-- ARGV: round shard base key, then triples: contestant, points, response_ms
-- Returns per answer the new round score, or "unknown_contestant" / "out_of_range"
-- (nothing written for that answer).
-- The delta is engine.domain.ranking.score_delta: S = points * 2^21 - min(total_ms, 2^21 - 1),
-- with points and time read back from the stored score. Doubles hold these exactly.
local SCALE, TIME_LIMIT, POINTS_LIMIT = 2097152, 2097151, 4294967296
local profiles, state = KEYS[1], KEYS[2]
local base = ARGV[1]

local function delta(score, points, response_ms)
  local points_before = math.ceil(score / SCALE)
  local ms_before = points_before * SCALE - score
  local points_after = points_before + points
  if points_after < 0 or points_after >= POINTS_LIMIT then return nil end
  return points_after * SCALE - math.min(ms_before + response_ms, TIME_LIMIT) - score
end

local function text(number)  -- tostring would round to 14 digits
  return string.format("%.0f", number)
end

local views = {"live"}
if redis.call("GET", state) == "p" then views[2] = "public" end  -- freeze planned: both
local results = {}
for i = 2, #ARGV, 3 do
  local contestant, points, response_ms = ARGV[i], tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2])
  local profile = redis.call("HGET", profiles, contestant)
  if not profile then
    results[#results + 1] = "unknown_contestant"
  else
    local all = base .. ":live:all"
    local score = tonumber(redis.call("ZSCORE", all, contestant) or "0")
    local d = delta(score, points, response_ms)
    local competition_score, competition_delta
    if KEYS[3] then
      competition_score = tonumber(redis.call("ZSCORE", KEYS[3], contestant) or "0")
      competition_delta = delta(competition_score, points, response_ms)
    end
    if not d or (KEYS[3] and not competition_delta) then
      results[#results + 1] = "out_of_range"
    else
      local region, team = string.match(profile, "^([^\t]*)\t([^\t]*)\t")
      local names = {"all"}
      if region ~= "" then names[#names + 1] = "region:" .. region end
      if team ~= "" then names[#names + 1] = "team:" .. team end
      for _, view in ipairs(views) do
        for _, name in ipairs(names) do
          redis.call("ZINCRBY", base .. ":" .. view .. ":" .. name, text(d), contestant)
        end
      end
      if KEYS[3] then
        redis.call("ZINCRBY", KEYS[3], text(competition_delta), contestant)
        redis.call("HSETNX", KEYS[4], contestant, profile)
      end
      results[#results + 1] = score + d
    end
  end
end
return results
