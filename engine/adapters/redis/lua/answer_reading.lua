-- What judging one live answer starts from, in one call (RedisLiveStore.answer_reading).
-- A script, not a pipeline: redis-py builds, packs and parses each command of a pipeline
-- in Python, and five commands cost the server's one core about 25 us more per answer
-- than one call returning the five values. The values also come from one moment.
-- KEYS: 1 kicked set, 2 round live hash, 3 progress, 4 the round's live "all" board
--       [, 5 the asked question's answers]
-- ARGV: 1 contestant
-- Returns {kicked (0/1), state JSON, progress, board score, first answer}, false for none.
local contestant = ARGV[1]
return {
  redis.call("SISMEMBER", KEYS[1], contestant),
  redis.call("HGET", KEYS[2], "json"),
  redis.call("HGET", KEYS[3], contestant),
  redis.call("ZSCORE", KEYS[4], contestant),
  KEYS[5] and redis.call("HGET", KEYS[5], contestant) or false,
}
