import type { Tags } from "./proto/types";

/**
 * Skewless marks the registry objects it writes with this tag, so that on a registry shared with
 * Feast users it only ever deletes its own objects: `skewless apply` removes an object that left
 * the repo only when the tag says the CLI wrote it. Plans and diffs never show the tag.
 */
export const MANAGED_BY_TAG = "skewless/managed-by";

/** Who manages an object: the CLI (`skewless apply`) or a Pulumi stack. */
export type Manager = "skewless" | "pulumi";

export function withOwnership(tags: Tags | undefined, manager: Manager): Tags {
  return { ...(tags ?? {}), [MANAGED_BY_TAG]: manager };
}

export function withoutOwnership(tags: Tags | undefined): Tags {
  const { [MANAGED_BY_TAG]: _owner, ...rest } = tags ?? {};
  return rest;
}

export function managerOf(tags: Tags | undefined): string | undefined {
  return tags?.[MANAGED_BY_TAG];
}
