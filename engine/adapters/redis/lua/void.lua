-- Void a skipped question's answers on one board shard, each contestant exactly once
-- (the competition's board: competition_void.lua, a call in its own slot).
-- (Prepended: the records' names, records.py, and boards.lua, which defines
-- remove_from_boards.)
-- KEYS: 1 the question's answers, 2 its applied deltas (DELTA records, as the answer
--       script wrote them), 3 progress, 4 board profiles, 5 board state
-- ARGV: 1 board base, then pairs: contestant, their result as it reads once voided (JSON)
-- Returns per contestant 1 (voided now) or 0 (voided before, or nothing applied).
-- The shard's banned contestants' scores (ban.lua): a key of the same shard, named from
-- the base as the board scripts name the region and team boards.
local banned_scores = ARGV[1] .. ":banned-scores"
local results = {}
for i = 2, #ARGV, 2 do
  local contestant = ARGV[i]
  local recorded = redis.call("HGET", KEYS[2], contestant)
  local delta = recorded and decode_delta(recorded)
  if not (delta and delta[DELTA_STATUS] == "applied") then
    results[#results + 1] = 0
  else
    local d = tonumber(delta[DELTA_DELTA])
    local public = delta[DELTA_VIEWS] == "live+public"
    local saved = redis.call("HGET", banned_scores, contestant)
    if saved then
      -- Banned (ban.lua): off the boards, so the scores set aside give the answer back.
      local scores = cjson.decode(saved)
      for name, score in pairs(scores) do
        local view = string.match(name, "^(%a+):")
        if view == "live" or (view == "public" and public) then
          scores[name] = score_text(tonumber(score) - d)
        end
      end
      redis.call("HSET", banned_scores, contestant, cjson.encode(scores))
    else
      remove_from_boards(ARGV[1], KEYS[4], KEYS[5], contestant, d, public)
    end
    delta[DELTA_STATUS] = "voided"
    redis.call("HSET", KEYS[2], contestant, encode_delta(delta))
    redis.call("HSET", KEYS[1], contestant, ARGV[i + 1])
    -- The question never happened for the streak either: undo its step unless a later
    -- answer has moved the streak on since.
    if (redis.call("HGET", KEYS[3], contestant) or "") == delta[DELTA_PROGRESS_AFTER] then
      local before = delta[DELTA_PROGRESS_BEFORE]
      if before == "" then
        redis.call("HDEL", KEYS[3], contestant)
      else
        redis.call("HSET", KEYS[3], contestant, before)
      end
    end
    results[#results + 1] = 1
  end
end
return results
