// Redis Cluster's key → slot mapping (CRC16-XMODEM mod 16384, with `{hash tag}` rules), on raw
// bytes: Feast's keys are binary, and routing must agree with the server byte for byte.

const TABLE = new Uint16Array(256);
for (let i = 0; i < 256; i++) {
  let crc = i << 8;
  for (let j = 0; j < 8; j++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  TABLE[i] = crc;
}

const OPEN = 0x7b;   // {
const CLOSE = 0x7d;  // }

/** The cluster slot of a key. */
export function keySlot(key: Uint8Array): number {
  let start = 0;
  let end = key.length;
  const open = key.indexOf(OPEN);
  if (open >= 0) {
    const close = key.indexOf(CLOSE, open + 1);
    if (close > open + 1) {
      start = open + 1;
      end = close;
    }
  }
  let crc = 0;
  for (let i = start; i < end; i++) crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ key[i]) & 0xff];
  return crc & 16383;
}
