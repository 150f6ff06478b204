import { createHash } from "node:crypto";
import { timestampLength, writeTimestamp } from "./redis-layout";

/**
 * Feast's Redis write as one server-side script per group of rows: for each key, skip the row
 * unless its event time is strictly newer than the stored `_ts:{view}` (when deduplicating), else
 * HSET the timestamp and every feature field, then EXPIRE when a key TTL is set. The stored bytes
 * are exactly those Feast's pipelined HMGET/HSET writes; running it on the server halves the
 * commands and round trips, and makes read-compare-write atomic per row (Feast's is not).
 *
 * KEYS: the entity hashes. ARGV: ts field, key ttl (0 = none), "1" to deduplicate, the feature
 * fields concatenated (4 bytes each), and every key's row in one string (see `packScriptRows`): a
 * byte with the Timestamp proto's length, the proto, a u32 little-endian length and the row's
 * packed values (per feature a u32 little-endian length and the Value bytes, as OnlineRow carries
 * them). One argument for all rows instead of two per row: the client's cost of building a
 * command grows with its argument count.
 */
export const WRITE_SCRIPT = `
local tsField = ARGV[1]
local ttl = tonumber(ARGV[2])
local dedup = ARGV[3] == '1'
local fieldsBlob = ARGV[4]
local nf = #fieldsBlob / 4
local fields = {}
for f = 1, nf do fields[f] = string.sub(fieldsBlob, (f - 1) * 4 + 1, f * 4) end
local function varint(s, pos)
  local v, scale = 0, 1
  while true do
    local b = string.byte(s, pos)
    if not b then return nil, pos end
    pos = pos + 1
    v = v + (b % 128) * scale
    if b < 128 then return v, pos end
    scale = scale * 128
  end
end
local function timeOf(s)
  local sec, nano, pos = 0, 0, 1
  while pos <= #s do
    local tag = string.byte(s, pos)
    local v
    v, pos = varint(s, pos + 1)
    if v == nil then return 0, 0 end
    if tag == 8 then sec = v elseif tag == 16 then nano = v else return 0, 0 end
  end
  if sec >= 9223372036854775808 then sec = sec - 18446744073709551616 end
  return sec, nano
end
local args = {tsField, ''}
for f = 1, nf do args[2 * f + 1] = fields[f] end
local written = 0
local rowsBlob = ARGV[5]
local at = 1
local byte, sub = string.byte, string.sub
for i = 1, #KEYS do
  local tsLength = byte(rowsBlob, at)
  local ts = sub(rowsBlob, at + 1, at + tsLength)
  at = at + 1 + tsLength
  local b1, b2, b3, b4 = byte(rowsBlob, at, at + 3)
  local rowStart = at + 4
  at = rowStart + b1 + b2 * 256 + b3 * 65536 + b4 * 16777216
  local skip = false
  if dedup then
    local stored = redis.call('HGET', KEYS[i], tsField)
    if stored then
      local s1, n1 = timeOf(stored)
      local s2, n2 = timeOf(ts)
      if (s1 ~= 0 or n1 ~= 0) and (s2 < s1 or (s2 == s1 and n2 <= n1)) then skip = true end
    end
  end
  if not skip then
    args[2] = ts
    local pos = rowStart
    for f = 4, 2 * nf + 2, 2 do
      local l1, l2, l3, l4 = byte(rowsBlob, pos, pos + 3)
      local last = pos + 3 + l1 + l2 * 256 + l3 * 65536 + l4 * 16777216
      args[f] = sub(rowsBlob, pos + 4, last)
      pos = last + 1
    end
    redis.call('HSET', KEYS[i], unpack(args))
    if ttl > 0 then redis.call('EXPIRE', KEYS[i], ttl) end
    written = written + 1
  end
end
return written
`;

export const WRITE_SCRIPT_SHA = createHash("sha1").update(WRITE_SCRIPT).digest("hex");

/** WRITE_SCRIPT's rows argument: per row, its Timestamp proto and packed values, each length-prefixed. */
export function packScriptRows(rows: readonly { eventMs: number; packedValues: Buffer }[]): Buffer {
  let length = 0;
  for (const r of rows) length += 1 + timestampLength(r.eventMs) + 4 + r.packedValues.length;
  const out = Buffer.allocUnsafe(length);
  let at = 0;
  for (const r of rows) {
    const tsAt = at + 1;
    at = writeTimestamp(out, tsAt, r.eventMs);
    out[tsAt - 1] = at - tsAt;
    at = out.writeUInt32LE(r.packedValues.length, at);
    at += r.packedValues.copy(out, at);
  }
  return out;
}

/**
 * The same fields (ARGV) of every key (KEYS), as one command. Per key it picks the cheaper read:
 * HGETALL when the hash is small (Redis keeps hashes of up to 128 fields as a list it scans) and
 * most of it is asked for, so one pass replaces a scan per field; HMGET otherwise. The reply is
 * one `cmsgpack` string: a string of modes ("a" HGETALL, "s" HMGET), then per key the command's
 * reply (HGETALL: field-value pairs; HMGET: values in ARGV order, false when absent). One buffer
 * instead of one per value: at 100 entities x 50 features that is 5,000 fewer objects per request,
 * and their garbage collection is what set the latency tail.
 */
export const READ_SCRIPT = `
local nf = #ARGV
local modes, rows = {}, {}
for i = 1, #KEYS do
  local size = redis.call('HLEN', KEYS[i])
  if size <= 128 and nf * (20 + size) > 40 * size then
    modes[i] = 'a'
    rows[i] = redis.call('HGETALL', KEYS[i])
  else
    modes[i] = 's'
    rows[i] = redis.call('HMGET', KEYS[i], unpack(ARGV))
  end
end
return cmsgpack.pack(table.concat(modes), rows)
`;

export const READ_SCRIPT_SHA = createHash("sha1").update(READ_SCRIPT).digest("hex");
