import { ConfigError } from "../../errors";
import { checkKeys, pick } from "../config-keys";
import type { OnlineStoreModule } from "../online-module";
import { RedisOnlineStore } from "./redis-online-store";

/** `online_store: type: redis`, Feast's RedisOnlineStoreConfig. */
export interface RedisOnlineStoreConfig {
  type: "redis";
  redisType: "redis" | "redis_cluster" | "redis_sentinel";
  /** Feast's `host:port[,host:port],db=0,password=...,ssl=true`. Holds secrets: never log it. */
  connectionString: string;
  sentinelMaster?: string;
  keyTtlSeconds?: number;
  fullScanForDeletion: boolean;
  /** Feast's `skip_dedup`: write without first reading stored event times (faster, last write wins). */
  skipDedup: boolean;
}

const KEYS = ["type", "redis_type", "connection_string", "sentinel_master", "key_ttl_seconds", "full_scan_for_deletion", "skip_dedup"];

/** One hash per entity key; nothing to create at apply, a removed view's fields are deleted. */
export const redisModule: OnlineStoreModule<RedisOnlineStoreConfig> = {
  type: "redis",
  parseConfig(spec, { where }) {
    checkKeys(spec, KEYS, where);
    const connectionString = spec.connection_string ?? "localhost:6379";
    if (typeof connectionString !== "string") throw new ConfigError(`${where("online_store.connection_string")} must be a string`);
    const keyTtl = spec.key_ttl_seconds;
    if (keyTtl !== undefined && keyTtl !== null && (typeof keyTtl !== "number" || keyTtl <= 0)) {
      throw new ConfigError(`${where("online_store.key_ttl_seconds")} must be a positive number of seconds`);
    }
    const redisType = pick(spec.redis_type, "redis", ["redis", "redis_cluster", "redis_sentinel"] as const, "redis_type", where);
    if (redisType === "redis_sentinel" && typeof spec.sentinel_master !== "string") {
      throw new ConfigError(`${where("online_store.sentinel_master")} is required with redis_type: redis_sentinel`);
    }
    return {
      type: "redis",
      redisType,
      connectionString,
      sentinelMaster: typeof spec.sentinel_master === "string" ? spec.sentinel_master : undefined,
      keyTtlSeconds: typeof keyTtl === "number" ? keyTtl : undefined,
      fullScanForDeletion: spec.full_scan_for_deletion !== false,
      skipDedup: spec.skip_dedup === true,
    };
  },
  open: (config, { project, entityKeySerializationVersion }) => new RedisOnlineStore(config, project, entityKeySerializationVersion),
};
