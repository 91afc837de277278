-- Lua hook for ot-recorder (loaded with --lua-script): copy each location
-- publish to Dawarich's OwnTracks endpoint. The recorder keeps writing its own
-- .rec files whatever happens here, so a failed POST is never data loss; the
-- request runs in the background so a slow Dawarich cannot stall the recorder.

local ENDPOINT = "https://dawarich.viktorbarzin.me/api/v1/owntracks/points?api_key="

local function quote(value)
  -- POSIX single-quote: close, escaped quote, reopen.
  return "'" .. tostring(value):gsub("'", [['"'"']]) .. "'"
end

local ESCAPES = { ['"'] = '\\"', ["\\"] = "\\\\", ["\n"] = "\\n", ["\r"] = "\\r", ["\t"] = "\\t" }

local function encode(value)
  local kind = type(value)
  if kind == "string" then
    return '"' .. value:gsub('[%c"\\]', function(ch)
      return ESCAPES[ch] or string.format("\\u%04x", ch:byte())
    end) .. '"'
  elseif kind == "number" or kind == "boolean" then
    return tostring(value)
  elseif kind == "table" then
    local out = {}
    if next(value) == nil or value[1] ~= nil then
      for _, item in ipairs(value) do out[#out + 1] = encode(item) end
      return "[" .. table.concat(out, ",") .. "]"
    end
    for key, item in pairs(value) do
      out[#out + 1] = encode(tostring(key)) .. ":" .. encode(item)
    end
    return "{" .. table.concat(out, ",") .. "}"
  end
  return "null"
end

function otr_init()
  if (os.getenv("DAWARICH_API_KEY") or "") == "" then
    otr.log("dawarich hook: DAWARICH_API_KEY is not set, points will not be forwarded")
  end
end

function otr_exit()
end

function otr_hook(topic, kind, data)
  if kind ~= "location" then return end
  local key = os.getenv("DAWARICH_API_KEY") or ""
  if key == "" then return end
  -- The recorder adds the user's avatar (`face`, ~100 KB of base64): it would
  -- overflow the command line and Dawarich ignores it anyway.
  data.face = nil
  local command = string.format(
    "curl -sS -o /dev/null --max-time 5 -X POST -H 'Content-Type: application/json' -d %s %s &",
    quote(encode(data)), quote(ENDPOINT .. key))
  if not os.execute(command) then
    otr.log("dawarich hook: could not start curl for tst=" .. tostring(data.tst))
  end
end
