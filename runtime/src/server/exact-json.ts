import { isInteger, isSafeNumber, parse } from "lossless-json";

/**
 * Parses a request body keeping every integer exact: whole numbers beyond ±(2^53 - 1) become
 * bigint instead of the nearest double (`JSON.parse` turns the key 4611686018427387905 into
 * 4611686018427387904, another entity). Other numbers are plain numbers, as `JSON.parse` gives.
 * Throws a SyntaxError for malformed text (and a RangeError for nesting too deep to parse).
 */
export function parseExactJson(text: string): unknown {
  return parse(text, null, toNumber);
}

function toNumber(text: string): number | bigint {
  return isInteger(text) && !isSafeNumber(text) ? BigInt(text) : Number(text);
}
