-- Put a closed question's answers on the public boards of one board shard, each once.
-- (Prepended: the records' names, records.py, and boards.lua, which defines state_of and
-- add_to_views.)
-- KEYS: 1 the question's applied deltas (DELTA records), 2 board profiles, 3 board state
-- ARGV: 1 board base, then contestants
-- Only boards held until a question closes ("c") are published to: planned ones ("p")
-- got each answer as it came, frozen ones ("f") keep the board as it stood, thawed ones
-- ("t") read the live boards. Once published a delta's views read "live+public", so a
-- skip takes it back from both.
-- Returns per contestant 1 (published now; a banned one's into the scores set aside) or 0
-- (before, voided, or not held).
local held = state_of(KEYS[3]) == "c"
-- The shard's banned contestants' scores (ban.lua), named from the base as void.lua does.
local banned_scores = ARGV[1] .. ":banned-scores"
local results = {}
for i = 2, #ARGV do
  local contestant = ARGV[i]
  local recorded = held and redis.call("HGET", KEYS[1], contestant)
  local delta = recorded and decode_delta(recorded)
  local profile = delta and delta[DELTA_STATUS] == "applied" and delta[DELTA_VIEWS] == "live"
    and redis.call("HGET", KEYS[2], contestant)
  if profile then
    local d = tonumber(delta[DELTA_DELTA])
    local saved = redis.call("HGET", banned_scores, contestant)
    if saved then
      -- Banned: off the boards, so the public scores set aside take the answer, for a lift.
      local scores = cjson.decode(saved)
      for _, name in ipairs(scope_names(region_and_team(profile))) do
        local view = "public:" .. name
        scores[view] = score_text((tonumber(scores[view]) or 0) + d)
      end
      redis.call("HSET", banned_scores, contestant, cjson.encode(scores))
    else
      add_to_views(ARGV[1], {"public"}, profile, contestant, d)
    end
    delta[DELTA_VIEWS] = "live+public"
    redis.call("HSET", KEYS[1], contestant, encode_delta(delta))
    results[#results + 1] = 1
  else
    results[#results + 1] = 0
  end
end
return results
