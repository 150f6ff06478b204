import type { RepoConfig } from "../config";
import type { FeatureViewInfo } from "../registry/catalog";
import { onlineStoreModule } from "./online-stores";
import type { OnlineStore, OnlineTable } from "./online-store";

/** The online store `online_store.type` names. Connections open on first use. */
export function openOnlineStore(config: RepoConfig): OnlineStore {
  return onlineStoreModule(config.onlineStore).open(config.onlineStore, { project: config.project, entityKeySerializationVersion: config.entityKeySerializationVersion });
}

/** A view's layout in the online store: its name, join keys and features. */
export function onlineTable(view: FeatureViewInfo): OnlineTable {
  return { name: view.name, joinKeys: view.joinKeys.map((k) => k.name), features: view.features.map((f) => f.name) };
}
