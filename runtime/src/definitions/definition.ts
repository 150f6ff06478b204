import { DefinitionError } from "../errors";

/** Marks Skewless definitions so they are recognised even across two copies of this package. */
export const DEFINITION_KIND: unique symbol = Symbol.for("skewless.definition.kind");

export type DefinitionKind = "entity" | "dataSource" | "featureView" | "onDemandFeatureView" | "featureService" | "permission";

/** Common metadata every definition carries into the registry. */
export interface DefinitionMetadata {
  /** Free text shown in the registry and Feast's UI. */
  description?: string;
  /** Key-value labels, e.g. `{ team: "growth", pii: "true" }`. */
  tags?: Record<string, string>;
  /** The owner, usually an email address. */
  owner?: string;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_\-.]*$/;

/** Throws unless `name` can name a registry object (no spaces, no `:`, not empty). */
export function checkName(kind: string, name: unknown): string {
  if (typeof name !== "string" || !NAME.test(name)) {
    throw new DefinitionError(
      `${kind} name ${JSON.stringify(name)} is invalid`,
      "use letters, digits, '_', '-' or '.', starting with a letter or '_'",
    );
  }
  return name;
}

/** Copies and checks tags: string keys to string values only. */
export function checkTags(what: string, tags: unknown): Record<string, string> {
  if (tags === undefined) return {};
  if (typeof tags !== "object" || tags === null || Array.isArray(tags)) {
    throw new DefinitionError(`${what}: tags must be an object of string values`);
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(tags)) {
    if (typeof v !== "string") throw new DefinitionError(`${what}: tag ${k} must be a string, got ${typeof v}`);
    out[k] = v;
  }
  return out;
}

/** Reads the kind mark of a value, or undefined when it is not a Skewless definition. */
export function definitionKind(value: unknown): DefinitionKind | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  return (value as { [DEFINITION_KIND]?: DefinitionKind })[DEFINITION_KIND];
}
