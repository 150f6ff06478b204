import { ConfigError } from "../errors";
import { dynamoDbModule } from "./dynamodb/dynamodb-module";
import type { OnlineConfigContext, OnlineStoreModule } from "./online-module";
import { redisModule } from "./redis/redis-module";
import { sqliteModule } from "./sqlite/sqlite-module";

/**
 * Every online backend, by `online_store.type`. Adding a store: its folder (config, store,
 * module) and one line here.
 */
const ONLINE_STORES = {
  sqlite: sqliteModule,
  redis: redisModule,
  dynamodb: dynamoDbModule,
} as const;

type Modules = typeof ONLINE_STORES;
type ConfigOf<M> = M extends OnlineStoreModule<infer C> ? C : never;

/** The parsed `online_store` of any backend; `type` tells which. */
export type OnlineStoreConfig = { [K in keyof Modules]: ConfigOf<Modules[K]> }[keyof Modules];
export type OnlineStoreType = OnlineStoreConfig["type"];

/** The module of a parsed config's backend. */
export function onlineStoreModule<C extends OnlineStoreConfig>(config: C): OnlineStoreModule<C> {
  return ONLINE_STORES[config.type] as unknown as OnlineStoreModule<C>;
}

/** Parses an `online_store` mapping with the module its `type` names (default sqlite, as Feast). */
export function parseOnlineStoreConfig(spec: Record<string, unknown>, context: OnlineConfigContext): OnlineStoreConfig {
  const type = spec.type ?? "sqlite";
  if (typeof type !== "string" || !Object.hasOwn(ONLINE_STORES, type)) {
    throw new ConfigError(`${context.where("online_store.type")} ${JSON.stringify(type)} is not supported`, `use one of: ${Object.keys(ONLINE_STORES).join(", ")}`);
  }
  return ONLINE_STORES[type as OnlineStoreType].parseConfig(spec, context);
}
