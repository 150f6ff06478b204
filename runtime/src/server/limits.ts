import { RequestError } from "./feast-json";

/**
 * What one request (and all of them together) may take from the feature server. Every limit
 * answers with a 4xx in Feast's error shape naming the limit and the option that raises it, so a
 * client or a hostile page can slow the server down only as far as these allow.
 */
export interface ServerLimits {
  /** Largest request body in bytes (413 past it). */
  maxBodyBytes: number;
  /** Most entity rows in one `/get-online-features`, or rows in one `/push` (413 past it). */
  maxEntities: number;
  /** Most values in one `/get-online-features` answer: features x entity rows (413 past it). */
  maxFeatureValues: number;
  /** Time for reading a request and answering it, in seconds (408 while reading, 503 after). `/materialize` is exempt. */
  requestTimeoutSeconds: number;
  /** Most open connections; more are answered 503 and closed. */
  maxConnections: number;
}

export const DEFAULT_LIMITS: Readonly<ServerLimits> = {
  maxBodyBytes: 16 * 1024 * 1024,
  maxEntities: 100_000,
  maxFeatureValues: 2_000_000,
  requestTimeoutSeconds: 30,
  maxConnections: 512,
};

/** Deepest JSON nesting accepted: Feast's bodies nest four levels (lists of lists in a df). */
export const MAX_JSON_DEPTH = 32;

/** The CLI flag that sets each limit, for the messages. */
export const LIMIT_FLAGS: Record<keyof ServerLimits, string> = {
  maxBodyBytes: "--max-body-bytes",
  maxEntities: "--max-entities",
  maxFeatureValues: "--max-feature-values",
  requestTimeoutSeconds: "--request-timeout",
  maxConnections: "--max-connections",
};

/** The limits with `overrides` applied; each must be a positive number. */
export function serverLimits(overrides: Partial<ServerLimits> = {}): ServerLimits {
  const limits = { ...DEFAULT_LIMITS };
  for (const [key, value] of Object.entries(overrides) as [keyof ServerLimits, number | undefined][]) {
    if (value === undefined) continue;
    if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${LIMIT_FLAGS[key]} must be a positive number, got ${value}`);
    limits[key] = value;
  }
  return limits;
}

/**
 * Refuses JSON nested deeper than `max` (400) before anything parses or walks it: deep nesting
 * costs every recursive step after the parser (a 100k-deep list overflowed the stack, a 500).
 * A single pass over the bytes, skipping strings.
 */
export function checkJsonDepth(bytes: Uint8Array, max = MAX_JSON_DEPTH): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (inString) {
      if (c === 0x5c) i++;                 // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) { // [ {
      if (++depth > max) throw new RequestError(400, `request body nests deeper than ${max} levels`);
    } else if (c === 0x5d || c === 0x7d) { // ] }
      depth--;
    }
  }
}

/** Rows in column-major entities or a push df (`{ key: [v0, v1, ...] }`); columns must agree. */
export function rowCount(columns: Record<string, unknown>, what: string): number {
  let rows: number | undefined;
  for (const [name, values] of Object.entries(columns)) {
    if (!Array.isArray(values)) throw new RequestError(422, `${what}.${name} must be a list`);
    if (rows !== undefined && values.length !== rows) throw new RequestError(422, `${what} columns have different lengths (${name} has ${values.length}, the first has ${rows})`);
    rows = values.length;
  }
  return rows ?? 0;
}

/** 413 when a request asks for more rows, or more values, than the limits allow. */
export function checkRequestSize(limits: ServerLimits, rows: number, what: "entities" | "push rows", features?: number): void {
  if (rows > limits.maxEntities) {
    throw new RequestError(413, `${rows} ${what} in one request; the limit is ${limits.maxEntities} (${LIMIT_FLAGS.maxEntities}): split the request`);
  }
  if (features !== undefined && rows * features > limits.maxFeatureValues) {
    throw new RequestError(413, `${features} features x ${rows} entities = ${rows * features} values in one request; the limit is ${limits.maxFeatureValues} (${LIMIT_FLAGS.maxFeatureValues}): split the request`);
  }
}
