/**
 * MurmurHash3 x86_32 of `data` (UTF-8 for strings), as an unsigned 32-bit integer. Feast names a
 * feature's Redis hash field with it (seed 0), so it must agree bit for bit with `mmh3.hash`.
 */
export function murmur3(data: string | Uint8Array, seed = 0): number {
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  const length = bytes.length;
  const blocks = length & ~3;
  let h = seed >>> 0;
  for (let i = 0; i < blocks; i += 4) {
    let k = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = length & 3;
  if (tail > 0) {
    let k = 0;
    if (tail === 3) k ^= bytes[blocks + 2] << 16;
    if (tail >= 2) k ^= bytes[blocks + 1] << 8;
    k ^= bytes[blocks];
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
  }
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The 4 raw bytes Feast uses as a Redis hash field: the little-endian murmur3 of `text`. */
export function murmur3Field(text: string): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32LE(murmur3(text), 0);
  return out;
}
