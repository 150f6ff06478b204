import { Entity } from "../../runtime/src/definitions/entity";
import { FeatureService } from "../../runtime/src/definitions/feature-service";
import { FeatureView } from "../../runtime/src/definitions/feature-view";
import { BigQuerySource, FileSource, PushSource } from "../../runtime/src/definitions/sources";
import type { Definitions } from "../../runtime/src/registry/compile";

/** Definitions that use every option a spec must carry: the round-trip tests' fixture. */
export function richDefinitions(): Definitions {
  const user = new Entity({ name: "user", joinKeys: ["user_id"], valueType: "Int64", description: "a user", tags: { team: "growth" }, owner: "a@b.c" });
  const merchant = new Entity({ name: "merchant", joinKeys: ["merchant_id"] });   // type from the view schema
  const stats = new FileSource({
    name: "stats_source", path: "data/stats.parquet", timestampField: "event_timestamp", createdTimestampColumn: "created",
    fieldMapping: { raw_clicks: "clicks" }, datePartitionColumn: "day", description: "stats", tags: { tier: "gold" }, owner: "d@e.f",
    s3EndpointOverride: "http://localhost:9000",
  });
  const orders = new BigQuerySource({ name: "orders_source", table: "proj.ds.orders", timestampField: "ts" });
  const pushed = new PushSource({ name: "clicks_push", batchSource: new FileSource({ name: "clicks_batch", path: "data/clicks.parquet", timestampField: "ts" }), tags: { kind: "push" } });
  const userStats = new FeatureView({
    name: "user_stats", entities: [user], ttl: "1d", source: stats, tags: { team: "growth" }, description: "per user", owner: "o@p.q",
    schema: [
      { name: "clicks", dtype: "Int64", description: "clicks today", tags: { pii: "false" } },
      { name: "ctr", dtype: "Float32" },
      { name: "history", dtype: "Array(Int32)" },
    ],
  });
  const pairs = new FeatureView({
    name: "user_merchant", entities: [user, merchant], ttl: "2h", source: orders, online: false,
    schema: [{ name: "merchant_id", dtype: "String" }, { name: "spend", dtype: "Float64" }],
  });
  const global = new FeatureView({ name: "global_stats", ttl: 0, source: stats, schema: [{ name: "total", dtype: "Int64" }] });
  const live = new FeatureView({ name: "live_clicks", entities: [user], source: pushed, offline: true, schema: [{ name: "recent", dtype: "Int32" }] });
  const service = new FeatureService({
    name: "ranker_v1", description: "ranking", tags: { model: "ranker" },
    features: [userStats.select("clicks", "ctr"), pairs.withName("pairs").withJoinKeyMap({ user_id: "buyer_id" }), global, live],
  });
  return { entities: [user, merchant], dataSources: [stats, orders, pushed], featureViews: [userStats, pairs, global, live], featureServices: [service] };
}
