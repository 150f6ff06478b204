import { SchemaMismatchError } from "../errors";
import type { OfflineStore } from "../offline/offline-store";
import type { FeatureViewInfo } from "../registry/catalog";

/**
 * Before `plan` and `apply`: every view's source schema, where the source can be read, checked
 * against the declared types, so a column whose type changed (a float now written as text, an
 * Int64 now Int32) stops the change instead of the next materialization. A source that cannot be
 * read (not written yet, no credentials here, no offline data) is left to retrieval time.
 */
export async function checkSourceSchemas(views: readonly FeatureViewInfo[], offline: OfflineStore): Promise<void> {
  const problems: SchemaMismatchError[] = [];
  for (const view of views) {
    try {
      await offline.checkSource(view);
    } catch (error) {
      if (error instanceof SchemaMismatchError) problems.push(error);
      // Anything else means the source could not be read here: nothing to compare with.
    }
  }
  if (problems.length === 1) throw problems[0];
  if (problems.length > 1) {
    throw new SchemaMismatchError(`${problems.length} feature view sources do not match their declarations:\n${problems.map((p) => `  ${p.message}`).join("\n")}`,
      problems[0].hint);
  }
}
