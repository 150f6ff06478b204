import { randomUUID } from "node:crypto";
import { isInteger, isSafeNumber, parse } from "lossless-json";

/**
 * Parses a request body keeping every integer exact: whole numbers beyond ±(2^53 - 1) become
 * bigint instead of the nearest double (`JSON.parse` turns the key 4611686018427387905 into
 * 4611686018427387904, another entity). Other numbers are plain numbers, as `JSON.parse` gives.
 * Like Python's `json` (which Feast's clients and server use), the bare tokens `NaN`, `Infinity`
 * and `-Infinity` are numbers too: Feast's client sends them for such float values.
 * Throws a SyntaxError for malformed text (and a RangeError for nesting too deep to parse).
 */
export function parseExactJson(text: string): unknown {
  if (!text.includes("NaN") && !text.includes("Infinity")) return parse(text, null, toNumber);
  // Rewrite the bare tokens (never inside strings) to strings no request can contain, then back
  const marker = `\u0000${randomUUID()}:`;
  const revive = (_key: string, value: unknown) => (typeof value === "string" && value.startsWith(marker) ? Number(value.slice(marker.length)) : value);
  return parse(withTokensAsStrings(text, JSON.stringify(marker).slice(1, -1)), revive, toNumber);
}

function toNumber(text: string): number | bigint {
  return isInteger(text) && !isSafeNumber(text) ? BigInt(text) : Number(text);
}

const TOKENS = ["-Infinity", "Infinity", "NaN"];

/** `text` with each bare NaN / Infinity / -Infinity token replaced by `"<marker>token"`. */
function withTokensAsStrings(text: string, marker: string): string {
  let out = "";
  let from = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      continue;
    }
    if (c !== "N" && c !== "I" && c !== "-") continue;
    const token = TOKENS.find((t) => text.startsWith(t, i));
    if (!token) continue;
    out += `${text.slice(from, i)}"${marker}${token}"`;
    i += token.length - 1;
    from = i + 1;
  }
  return out + text.slice(from);
}
