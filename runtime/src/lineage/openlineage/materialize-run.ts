import type { RepoConfig } from "../../config";
import type { MaterializeResult } from "../../materialize/materializer";
import { sourceRelation } from "../../offline/source-relation";
import type { RegistryCatalog } from "../../registry/catalog";
import { sourceVersion } from "../source-versions";
import type { OpenLineageEmitter, LineageRun } from "./emitter";

/**
 * Feast's materialization run (job `materialize_<project>`): the views and their batch sources
 * (with the version of the data read) as inputs, one `online_store_<view>` table per view as outputs.
 */
export async function materializationRun(
  emitter: OpenLineageEmitter, catalog: RegistryCatalog, config: RepoConfig, featureViews?: readonly string[],
): Promise<LineageRun<MaterializeResult>> {
  const views = catalog.featureViews().filter((v) => (featureViews ? featureViews.includes(v.name) : v.online));
  const inputs = views.map((v) => emitter.events.featureView(v));
  const seen = new Set<string>();
  for (const view of views) {
    if (seen.has(view.batchSource.name)) continue;
    seen.add(view.batchSource.name);
    let location: string | undefined;
    try {
      const relation = sourceRelation(view, config.repoPath, []).location;
      location = relation.kind === "file" ? relation.path : relation.kind === "table" ? relation.table : undefined;
    } catch {
      // a view without offline data fails in the materializer itself, with its own message
    }
    if (location) inputs.push(emitter.events.source(view.batchSource.name, location, await sourceVersion(location)));
  }
  return {
    job: `materialize_${config.project}`,
    jobType: "MATERIALIZATION",
    inputs,
    outputs: (result) => result.views.map((v) => emitter.events.onlineTable(config.onlineStore.type, v.view)),
  };
}
