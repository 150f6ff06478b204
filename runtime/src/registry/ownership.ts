import type { ObjectMetaProto, Tags } from "./proto/types";

/**
 * Skewless records who wrote a registry object in the object's meta (`skewless_managed_by`, a
 * field of Skewless's own that Feast's SDK keeps but never reads), so that on a registry shared
 * with Feast users it only ever deletes its own objects: `skewless apply` removes an object that
 * left the repo only when its meta says the CLI wrote it. Feast's plans never see it, nor do ours.
 */
export const MANAGED_BY_FIELD = "skewless_managed_by";

/**
 * Where earlier Skewless versions kept ownership: a tag, which Feast's `feast plan` reports as
 * drift. Still read, never written; plans and diffs leave it out.
 */
export const MANAGED_BY_TAG = "skewless/managed-by";

/** Who manages an object: the CLI (`skewless apply`) or a Pulumi stack. */
export type Manager = "skewless" | "pulumi";

export function withoutOwnership(tags: Tags | undefined): Tags {
  const { [MANAGED_BY_TAG]: _owner, ...rest } = tags ?? {};
  return rest;
}

export function managerOf(meta: ObjectMetaProto | undefined, tags: Tags | undefined): string | undefined {
  return meta?.skewless_managed_by || tags?.[MANAGED_BY_TAG];
}
