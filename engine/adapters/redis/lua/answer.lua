-- Accept answers, each exactly once: the whole hot path of DESIGN.md in one atomic call,
-- for every answer the process queued while its last call was in flight (coalescing.py).
-- (Prepended: the records' names, records.py, and boards.lua, which defines add_to_boards.)
-- KEYS: 1 the round's answer log stream, 2 its listed marker (answer_log.py)
-- ARGV: one argument per answer of that round: an ANSWER record (records.AnswerCall says
--    what each field holds).
-- Returns per answer {"accepted", new round score} | {"duplicate", first result}
--    | {"stale"} (the round, or a self-paced attempt, moved on: judge again)
--    | {"retry", progress, score} (scored from an old streak or total: score again from
--    these) | {"refused", reason} ("malformed": not an ANSWER record; the others in the
--    call still count); or, for the whole call, "unlisted" (nothing written: list the
--    log, then call again).

local function accept(a)
  local contestant, gate = a[ANSWER_CONTESTANT], a[ANSWER_GATE]
  local live = gate ~= ""
  if live and redis.call("HGET", a[ANSWER_ROUND_KEY], "seq") ~= gate then return {"stale"} end
  if redis.call("SISMEMBER", a[ANSWER_KICKED_KEY], contestant) == 1 then
    return {"refused", "kicked"}
  end
  local first = redis.call("HGET", a[ANSWER_ANSWERS_KEY], contestant)
  if first then return {"duplicate", first} end
  -- Self-paced: judged by the contestant's own clock, as the caller knew their attempt;
  -- only while the round's window runs (the live hash's "window" until it finishes).
  local attempts = a[ANSWER_ATTEMPTS_KEY]
  if attempts ~= "" then
    if not redis.call("HGET", a[ANSWER_ROUND_KEY], "window") then
      return {"refused", "already_finished"}
    end
    if redis.call("HGET", attempts, contestant) ~= a[ANSWER_EXPECTED_ATTEMPT] then
      return {"stale"}
    end
  end
  -- Scored from what the caller knew; if a concurrent answer changed it, score again.
  local progress = redis.call("HGET", a[ANSWER_PROGRESS_KEY], contestant) or ""
  local score = redis.call("ZSCORE", a[ANSWER_BASE] .. ":live:all", contestant)
  if progress ~= a[ANSWER_EXPECTED_PROGRESS]
    or tonumber(score or "0") ~= tonumber(a[ANSWER_EXPECTED_SCORE]) then
    return {"retry", progress, score or ""}
  end
  local points, response_ms = tonumber(a[ANSWER_POINTS]), tonumber(a[ANSWER_RESPONSE_MS])
  local total, d, public = add_to_boards(a[ANSWER_BASE],
    redis.call("HGET", a[ANSWER_PROFILES_KEY], contestant), a[ANSWER_STATE_KEY],
    contestant, points, response_ms, points * SCALE - response_ms)
  if type(total) == "string" then return {"refused", total} end
  -- What a skip must take back; only a live question can be skipped.
  if live then
    local delta = {}
    delta[DELTA_STATUS] = "applied"
    delta[DELTA_DELTA] = score_text(d)
    delta[DELTA_VIEWS] = public and "live+public" or "live"
    delta[DELTA_PROGRESS_BEFORE] = a[ANSWER_EXPECTED_PROGRESS]
    delta[DELTA_PROGRESS_AFTER] = a[ANSWER_NEW_PROGRESS]
    redis.call("HSET", a[ANSWER_DELTAS_KEY], contestant, encode_delta(delta))
  end
  redis.call("HSET", a[ANSWER_ANSWERS_KEY], contestant, a[ANSWER_RESULT])
  redis.call("HSET", a[ANSWER_PROGRESS_KEY], contestant, a[ANSWER_NEW_PROGRESS])
  if attempts ~= "" and a[ANSWER_NEW_ATTEMPT] ~= a[ANSWER_EXPECTED_ATTEMPT] then
    redis.call("HSET", attempts, contestant, a[ANSWER_NEW_ATTEMPT])  -- the next delivery
  end
  for option in string.gmatch(a[ANSWER_OPTIONS], "%S+") do
    redis.call("HINCRBY", a[ANSWER_OPTIONS_KEY], option, 1)
  end
  redis.call("XADD", KEYS[1], "*", LOG_RECORD, a[ANSWER_LOG])
  return {"accepted", score_text(total)}
end

if redis.call("EXISTS", KEYS[2]) == 0 then return "unlisted" end
local replies = {}
for i = 1, #ARGV do
  local a = decode_answer(ARGV[i])
  replies[#replies + 1] = a and accept(a) or {"refused", "malformed"}
end
flush_scores()
return replies
