import { writeFileSync, mkdirSync } from "node:fs";
import * as path from "node:path";
import { FeatureStore } from "../../../runtime/src/feature-store";
import { collectDefinitions } from "../../../runtime/src/registry/compile";
import { tempDir } from "../../helpers/tmp";

/** A feature repo in a temp folder with `definitions` applied (`offlineStore`: the YAML block); data files go under `dir/data`. */
export async function featureRepo(
  definitions: unknown[], dir = tempDir("skewless-offline-"), offlineStore = "offline_store:\n  type: file\n",
): Promise<{ store: FeatureStore; dir: string }> {
  mkdirSync(path.join(dir, "data"), { recursive: true });
  writeFileSync(path.join(dir, "feature_store.yaml"), `project: offline_test\nregistry: data/registry.db\nprovider: local\n${offlineStore}`);
  const store = await FeatureStore.open(dir);
  await store.apply(collectDefinitions(definitions));
  return { store, dir };
}

/** UTC Date from a short `2024-01-01T10:00` string. */
export function utc(text: string): Date {
  return new Date(/[zZ]|[+-]\d\d:\d\d$/.test(text) ? text : `${text}Z`);
}
