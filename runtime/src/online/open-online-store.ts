import type { RepoConfig } from "../config";
import type { FeatureViewInfo } from "../registry/catalog";
import type { OnlineStore, OnlineTable } from "./online-store";
import { RedisOnlineStore } from "./redis/redis-online-store";
import { SqliteOnlineStore } from "./sqlite/sqlite-online-store";

/** The online store `online_store.type` names. Connections open on first use. */
export function openOnlineStore(config: RepoConfig): OnlineStore {
  const online = config.onlineStore;
  switch (online.type) {
    case "sqlite": return new SqliteOnlineStore(online.path, config.project);
    case "redis": return new RedisOnlineStore(online, config.project, config.entityKeySerializationVersion);
  }
}

/** A view's layout in the online store: its name, join keys and features. */
export function onlineTable(view: FeatureViewInfo): OnlineTable {
  return { name: view.name, joinKeys: view.joinKeys.map((k) => k.name), features: view.features.map((f) => f.name) };
}
