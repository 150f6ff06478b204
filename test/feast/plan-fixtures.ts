import * as path from "node:path";
import { writeParquet } from "../helpers/parquet";

// One feature repo written twice, in TypeScript for Skewless and in Python for Feast, definition
// for definition: entities (one with tags and owner), file sources with tags, owner and
// description, views with one entity, two entities and none, a push source, and a feature
// service selecting a subset of one view. The data files are `skewless init`'s credit demo.

/**
 * The two-entity view's data: the credit demo's rows with a merchant_id, since plan and apply check
 * every readable source against its view (a source without the view's join key is refused).
 */
export async function writeMerchantData(repo: string): Promise<void> {
  const credit = path.join(repo, "data", "user_credit.parquet").replaceAll("'", "''");
  await writeParquet(path.join(repo, "data", "user_merchant.parquet"), `SELECT *, 'm' || CAST(user_id % 3 AS VARCHAR) AS merchant_id FROM read_parquet('${credit}')`);
}

export const PLAN_TS = `import { Entity, FeatureService, FeatureView, FileSource, PushSource } from "@skewless/runtime";

export const user = new Entity({ name: "user", joinKeys: ["user_id"], valueType: "Int64", description: "An applicant", tags: { team: "risk" }, owner: "risk@example.com" });
export const merchant = new Entity({ name: "merchant", joinKeys: ["merchant_id"], valueType: "String" });

export const txnSource = new FileSource({
  name: "txn_source", path: "data/user_transactions.parquet", timestampField: "event_timestamp",
  createdTimestampColumn: "created", description: "card transactions", tags: { tier: "gold" }, owner: "data@example.com",
});
export const creditSource = new FileSource({
  name: "credit_source", path: "data/user_credit.parquet", timestampField: "event_timestamp", tags: { pii: "true" },
});
export const merchantSource = new FileSource({
  name: "merchant_source", path: "data/user_merchant.parquet", timestampField: "event_timestamp",
});
export const txnPush = new PushSource({ name: "txn_push", batchSource: txnSource, description: "live", tags: { kind: "push" }, owner: "p@example.com" });

export const userTxn = new FeatureView({
  name: "user_txn", entities: [user], ttl: "1d", source: txnSource, tags: { team: "risk" }, description: "spend", owner: "o@example.com",
  schema: [{ name: "txn_count_1h", dtype: "Int32", description: "count" }, { name: "txn_amount_1h", dtype: "Float64" }],
});
export const userMerchant = new FeatureView({
  name: "user_merchant", entities: [user, merchant], ttl: "2h", source: merchantSource,
  schema: [{ name: "credit_score", dtype: "Int32" }],
});
export const globalCredit = new FeatureView({
  name: "global_credit", ttl: 0, source: creditSource, schema: [{ name: "open_accounts", dtype: "Int32" }],
});
export const liveTxn = new FeatureView({
  name: "live_txn", entities: [user], ttl: "1h", source: txnPush, schema: [{ name: "foreign_txn_ratio_24h", dtype: "Float32" }],
});
export const model = new FeatureService({
  name: "model_v1", description: "the model", tags: { model: "v1" }, owner: "m@example.com",
  features: [userTxn.select("txn_count_1h"), userMerchant, globalCredit, liveTxn],
});
`;

export const PLAN_PY = `from datetime import timedelta

from feast import Entity, FeatureService, FeatureView, Field, FileSource, PushSource, ValueType
from feast.types import Float32, Float64, Int32

user = Entity(name="user", join_keys=["user_id"], value_type=ValueType.INT64, description="An applicant", tags={"team": "risk"}, owner="risk@example.com")
merchant = Entity(name="merchant", join_keys=["merchant_id"], value_type=ValueType.STRING)

txn_source = FileSource(
    name="txn_source", path="data/user_transactions.parquet", timestamp_field="event_timestamp",
    created_timestamp_column="created", description="card transactions", tags={"tier": "gold"}, owner="data@example.com",
)
credit_source = FileSource(name="credit_source", path="data/user_credit.parquet", timestamp_field="event_timestamp", tags={"pii": "true"})
merchant_source = FileSource(name="merchant_source", path="data/user_merchant.parquet", timestamp_field="event_timestamp")
txn_push = PushSource(name="txn_push", batch_source=txn_source, description="live", tags={"kind": "push"}, owner="p@example.com")

user_txn = FeatureView(
    name="user_txn", entities=[user], ttl=timedelta(days=1), source=txn_source, tags={"team": "risk"}, description="spend", owner="o@example.com",
    schema=[Field(name="txn_count_1h", dtype=Int32, description="count"), Field(name="txn_amount_1h", dtype=Float64)],
)
user_merchant = FeatureView(
    name="user_merchant", entities=[user, merchant], ttl=timedelta(hours=2), source=merchant_source,
    schema=[Field(name="credit_score", dtype=Int32)],
)
global_credit = FeatureView(name="global_credit", entities=[], ttl=timedelta(0), source=credit_source, schema=[Field(name="open_accounts", dtype=Int32)])
live_txn = FeatureView(name="live_txn", entities=[user], ttl=timedelta(hours=1), source=txn_push, schema=[Field(name="foreign_txn_ratio_24h", dtype=Float32)])
model = FeatureService(
    name="model_v1", description="the model", tags={"model": "v1"}, owner="m@example.com",
    features=[user_txn[["txn_count_1h"]], user_merchant, global_credit, live_txn],
)
`;

/** The same repo without its entityless view (global_credit), in both languages. */
export function withoutEntitylessView(): { ts: string; py: string } {
  const drop = (text: string, pattern: RegExp, list: [string, string]) => {
    const out = text.replace(pattern, "").replace(list[0], list[1]);
    if (out.includes("global_credit") || out.includes("globalCredit")) throw new Error("plan-fixtures: global_credit is still there");
    return out;
  };
  return {
    ts: drop(PLAN_TS, /export const globalCredit = new FeatureView\(\{\n.*\n\}\);\n/, [", globalCredit, liveTxn]", ", liveTxn]"]),
    py: drop(PLAN_PY, /global_credit = FeatureView\(.*\)\n/, [", global_credit, live_txn]", ", live_txn]"]),
  };
}
