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

const MASK64 = (1n << 64n) - 1n;
const C1 = 0x87c37b91114253d5n;
const C2 = 0x4cf5ad432745937fn;
const rotl64 = (x: bigint, r: bigint) => ((x << r) | (x >> (64n - r))) & MASK64;
function fmix64(k: bigint): bigint {
  k ^= k >> 33n;
  k = (k * 0xff51afd7ed558ccdn) & MASK64;
  k ^= k >> 33n;
  k = (k * 0xc4ceb9fe1a85ec53n) & MASK64;
  return k ^ (k >> 33n);
}

/**
 * MurmurHash3 x64_128 of `bytes` (seed 0) as 16 bytes, h1 then h2 little-endian: what Python's
 * `mmh3.hash_bytes` returns. Feast's DynamoDB store names an item by its hex (`compute_entity_id`).
 * BigInt keeps it short and exact; entity keys are tens of bytes, so speed is not the concern.
 */
export function murmur3x64Bytes(bytes: Uint8Array): Buffer {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = buf.length;
  const blocks = length >> 4;
  let h1 = 0n;
  let h2 = 0n;
  const mixK1 = (k: bigint) => (rotl64((k * C1) & MASK64, 31n) * C2) & MASK64;
  const mixK2 = (k: bigint) => (rotl64((k * C2) & MASK64, 33n) * C1) & MASK64;
  for (let i = 0; i < blocks; i++) {
    h1 ^= mixK1(buf.readBigUInt64LE(i * 16));
    h1 = (rotl64(h1, 27n) + h2) & MASK64;
    h1 = (h1 * 5n + 0x52dce729n) & MASK64;
    h2 ^= mixK2(buf.readBigUInt64LE(i * 16 + 8));
    h2 = (rotl64(h2, 31n) + h1) & MASK64;
    h2 = (h2 * 5n + 0x38495ab5n) & MASK64;
  }
  const tail = blocks * 16;
  let k1 = 0n;
  let k2 = 0n;
  for (let i = (length & 15) - 1; i >= 0; i--) {
    const byte = BigInt(buf[tail + i]!);
    if (i >= 8) k2 |= byte << BigInt((i - 8) * 8);
    else k1 |= byte << BigInt(i * 8);
  }
  h2 ^= mixK2(k2);   // a zero block mixes to zero, so an absent tail changes nothing
  h1 ^= mixK1(k1);
  h1 ^= BigInt(length);
  h2 ^= BigInt(length);
  h1 = (h1 + h2) & MASK64;
  h2 = (h2 + h1) & MASK64;
  h1 = fmix64(h1);
  h2 = fmix64(h2);
  h1 = (h1 + h2) & MASK64;
  h2 = (h2 + h1) & MASK64;
  const out = Buffer.alloc(16);
  out.writeBigUInt64LE(h1, 0);
  out.writeBigUInt64LE(h2, 8);
  return out;
}
