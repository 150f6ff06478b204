import { describeValueType } from "../../definitions/dtypes";
import { UNKNOWN_FIELDS, type ProtoMessage } from "../proto/codec";
import type { FeatureSpecProto } from "../proto/types";

/**
 * A registry object as a reviewer reads it in `skewless plan`: every property a readable string,
 * list or map (`ttl: "1d"`, `features: ["clicks: Int64"]`). Plans diff these; nothing else does.
 * Spec fields Skewless does not model are kept under `other.<field>` so no change goes unseen.
 */
export type FlatValue = string | string[] | Record<string, string>;
export type FlatSpec = Record<string, FlatValue>;

/** `clicks: Int64`, the one place a column becomes text. */
export function describeField(f: FeatureSpecProto): string {
  return `${f.name}: ${describeValueType(f.value_type)}`;
}

/** Non-default fields outside `covered`, as `other.<field>` → canonical text. */
export function others(message: ProtoMessage, covered: readonly string[]): FlatSpec {
  const out: FlatSpec = {};
  for (const [key, value] of Object.entries(message)) {
    if (covered.includes(key) || isEmpty(value)) continue;
    out[`other.${key}`] = canonical(value);
  }
  const unknown = message[UNKNOWN_FIELDS];
  if (unknown?.length) out["other.unknownFields"] = unknown.map((c) => Buffer.from(c).toString("hex")).join(" ");
  return out;
}

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === "" || value === 0 || value === 0n || value === false) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (value instanceof Uint8Array) return value.length === 0;
  if (typeof value === "object") {
    const m = value as ProtoMessage;
    return Object.values(m).every(isEmpty) && !m[UNKNOWN_FIELDS]?.length;
  }
  return false;
}

/** Stable text for any decoded proto value: sorted keys, defaults dropped, bytes as base64. */
export function canonical(value: unknown): string {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Uint8Array) return `base64:${Buffer.from(value).toString("base64")}`;
  if (Array.isArray(value)) return `[${value.map(canonical).join(", ")}]`;
  if (typeof value === "object" && value !== null) {
    const m = value as ProtoMessage;
    const parts = Object.keys(m).sort().filter((k) => !isEmpty(m[k])).map((k) => `${k}: ${canonical(m[k])}`);
    if (m[UNKNOWN_FIELDS]?.length) parts.push(`unknown: ${m[UNKNOWN_FIELDS]!.map((c) => Buffer.from(c).toString("hex")).join(" ")}`);
    return `{${parts.join(", ")}}`;
  }
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}
