-- Shared by the leaderboard, answer and void scripts (prepended to each): one answer's points
-- and time added to every board of its contestant, as tests/oracles/ranking.py's score_delta says:
-- S = points * 2^21 - min(total_ms, 2^21 - 1), points and time read back from the stored
-- score (doubles hold these exactly); and exactly that addition taken back when the
-- answer's question is voided. (Prepended: the records' names, records.py.)
local SCALE, TIME_LIMIT, POINTS_LIMIT = 2097152, 2097151, 4294967296

local function score_delta(score, points, response_ms)
  local points_before = math.ceil(score / SCALE)
  local ms_before = points_before * SCALE - score
  local points_after = points_before + points
  if points_after < 0 or points_after >= POINTS_LIMIT then return nil end
  return points_after * SCALE - math.min(ms_before + response_ms, TIME_LIMIT) - score
end

local function score_text(number)  -- tostring would round to 14 digits
  return string.format("%.0f", number)
end

-- A stored profile (a PROFILE record): its region and team, "" for none.
local function region_and_team(profile)
  local fields = decode_profile(profile)
  return fields[PROFILE_REGION], fields[PROFILE_TEAM]
end

-- The scopes of the round boards a contestant is on: all, their region, their team.
local function scope_names(region, team)
  local names = {"all"}
  if region ~= "" then names[#names + 1] = "region:" .. region end
  if team ~= "" then names[#names + 1] = "team:" .. team end
  return names
end

-- The keys of the round boards a profile is on, in one view: made once per script call
-- for each shard, view, region and team (what a profile says before its nickname), since
-- making them for every answer (a decode, three tables, a concatenation per board) was
-- most of the apply's own time beside Redis's.
local made = {}
local function board_keys(base, view, profile)
  local head = string.match(profile, PROFILE_HEAD_PATTERN)
  local of_base = made[base]
  if not of_base then of_base = {}; made[base] = of_base end
  local of_view = of_base[view]
  if not of_view then of_view = {}; of_base[view] = of_view end
  local keys = of_view[head]
  if not keys then
    keys = {}
    for i, name in ipairs(scope_names(region_and_team(profile))) do
      keys[i] = base .. ":" .. view .. ":" .. name
    end
    of_view[head] = keys
  end
  return keys
end

-- A number argument reaches Redis as "%.17g", exact for these integers (< 2^53), so the
-- delta is not formatted once per board. ``done`` names a board already given it.
local function add_to_views(base, views, profile, contestant, delta, done)
  for _, view in ipairs(views) do
    for _, key in ipairs(board_keys(base, view, profile)) do
      if key ~= done then redis.call("ZINCRBY", key, delta, contestant) end
    end
  end
end

-- A contestant's score is the same on every board of one view of a round (all, region,
-- team): each answer, void, publish, ban and lift moves them together. So an answer adds
-- to the "all" board, whose reply is the new score, and sets that score on the region and
-- team boards, in one ZADD per board for the whole script call (``flush_scores``, which
-- every script calling add_to_boards runs before it returns): a ZINCRBY per board and
-- answer cost Redis a call each, twice what the sorted sets' own work did.
local pending, pending_keys = {}, {}
local function set_score(key, score, contestant)
  local pairs_of = pending[key]
  if not pairs_of then
    pairs_of = {}
    pending[key] = pairs_of
    pending_keys[#pending_keys + 1] = key
  end
  pairs_of[#pairs_of + 1] = score
  pairs_of[#pairs_of + 1] = contestant
end

-- Later pairs of a contestant come later in a ZADD, which applies them in order.
local function flush_scores()
  for _, key in ipairs(pending_keys) do redis.call("ZADD", key, unpack(pending[key])) end
  pending, pending_keys = {}, {}
end

-- A board's freeze state, read once per script call: only freeze and thaw change it,
-- and they are other calls.
local states = {}
local function state_of(key)
  if states[key] == nil then states[key] = redis.call("GET", key) or false end
  return states[key]
end

local LIVE, LIVE_AND_PUBLIC = {"live"}, {"live", "public"}

-- ``profile``: the contestant's stored profile (false when not registered), read by the
-- caller, which may read a whole batch's in one call. ``plain``: points * SCALE -
-- response_ms, the delta unless the time clamps; as a text from Python it reaches Redis
-- unformatted (a number argument is printed with "%.17g", a tenth of the apply's time).
-- Returns the new round score, the round delta and whether the public boards got it
-- too; or "unknown_contestant" / "out_of_range" (nothing written). The competition's
-- board is another call's (competition_add.lua): it has a slot of its own.
local function add_to_boards(base, profile, state, contestant, points, response_ms, plain)
  if not profile then return "unknown_contestant" end
  -- The delta depends on the score before only when the summed time clamps or the points
  -- leave their range: add it to the "all" board, read the score before from the reply
  -- (no ZSCORE per answer) and, in that rare case, put it right; the script is atomic,
  -- so nobody sees the step between.
  local all = board_keys(base, "live", profile)[1]  -- "all" comes first
  local added = tonumber(plain)
  local total = redis.call("ZINCRBY", all, plain, contestant)  -- a text: set as it is
  local score = tonumber(total) - added
  local d = score_delta(score, points, response_ms)
  local step = plain
  if d ~= added then
    redis.call("ZINCRBY", all, (d or 0) - added, contestant)
    if not d then return "out_of_range" end
    total, step = score + d, d
  end
  local views = state_of(state) == "p" and LIVE_AND_PUBLIC or LIVE  -- freeze planned: both
  for _, view in ipairs(views) do
    local keys = board_keys(base, view, profile)
    local now = view == "live" and total or redis.call("ZINCRBY", keys[1], step, contestant)
    for i = 2, #keys do set_score(keys[i], now, contestant) end
  end
  return score + d, d, #views == 2
end

-- Take back exactly the deltas add_to_boards returned (or publish.lua published) for one
-- answer. The public boards give back what they received while they still exist:
-- planned, held, or frozen since (a thawed round dropped them and reads the live boards).
local function remove_from_boards(base, profiles, state, contestant, d, public)
  local profile = redis.call("HGET", profiles, contestant)
  local views = {"live"}
  local now = state_of(state)
  if public and (now == "p" or now == "c" or now == "f") then views[2] = "public" end
  if profile then add_to_views(base, views, profile, contestant, -d) end
end
