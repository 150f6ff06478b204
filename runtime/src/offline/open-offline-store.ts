import type { RepoConfig } from "../config";
import type { OfflineStore } from "./offline-store";
import type { OfflineStoreModule } from "./offline-store-module";
import { OFFLINE_STORES } from "./offline-stores";

/** The offline store `feature_store.yaml` asks for (see `OFFLINE_STORES` for the types). */
export async function openOfflineStore(config: RepoConfig, env: NodeJS.ProcessEnv = process.env): Promise<OfflineStore> {
  const { type, options } = config.offlineStore;
  const module = OFFLINE_STORES[type] as OfflineStoreModule;
  const where = (key: string) => `feature_store.yaml: offline_store.${key}`;
  return module.open(config, module.parse(options, where), env);
}
