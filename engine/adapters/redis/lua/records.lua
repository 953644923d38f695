-- The records Python and Lua share (engine/adapters/redis/records.py), each its values
-- joined by one separator. records.py prepends this file to a script and, after it, each
-- record's field indexes (ANSWER_CONTESTANT, DELTA_VIEWS, ...) and its decode_/encode_
-- functions, generated from the record's Python definition: read fields by those names.

-- The values of ``text`` split at ``separator`` (plain text, not a pattern), or nil when
-- there are not ``count`` of them; with ``rest`` the last value is the rest of the text,
-- separators and all.
local function split(text, separator, count, rest)
  local values, start = {}, 1
  while not (rest and #values == count - 1) do
    local stop = string.find(text, separator, start, true)
    if not stop then break end
    values[#values + 1] = string.sub(text, start, stop - 1)
    start = stop + #separator
  end
  values[#values + 1] = string.sub(text, start)
  if #values ~= count then return nil end
  return values
end
