import { DefinitionError } from "../../errors";
import { withoutOwnership } from "../ownership";
import type { Tags } from "../proto/types";

// Specs arrive from Pulumi programs and stack state as plain data: checked for shape here, with
// the object and property named, before the definition classes check their content.

/** Description, owner and tags: every kind but permissions has them. */
export interface ObjectSpecMetadata {
  description: string;
  owner: string;
  tags: Tags;
}

export function metadataFromProto(m: { description?: string; owner?: string; tags?: Tags }): ObjectSpecMetadata {
  return { description: m.description ?? "", owner: m.owner ?? "", tags: withoutOwnership(m.tags) };
}

/** A spec's metadata as definition options. */
export function metadataOptions(spec: { description?: string; owner?: string; tags?: Tags }) {
  return { description: spec.description, owner: spec.owner, tags: spec.tags };
}

/** `value` as a list of plain objects (absent: empty), or an error naming `what`. */
export function objectList<T extends object>(value: unknown, what: string, example: string): T[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => v === null || typeof v !== "object" || Array.isArray(v))) {
    throw new DefinitionError(`${what} must be a list of objects like ${example}, got ${JSON.stringify(value)}`);
  }
  return value as T[];
}

/** `value` as a list of strings (absent: empty), or an error naming `what`. */
export function stringList(value: unknown, what: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
    throw new DefinitionError(`${what} must be a list of strings, got ${JSON.stringify(value)}`);
  }
  return value;
}
