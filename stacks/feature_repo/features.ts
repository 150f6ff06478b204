import { Entity, FeatureService, FeatureView, FileSource } from "@skewless/runtime";

/** A credit applicant. */
export const user = new Entity({ name: "user", joinKeys: ["user_id"], valueType: "Int64", description: "A credit applicant" });

export const transactionsSource = new FileSource({
  name: "user_transactions_source",
  path: "data/user_transactions.parquet",
  timestampField: "event_timestamp",
  createdTimestampColumn: "created",
});

export const creditSource = new FileSource({
  name: "user_credit_source",
  path: "data/user_credit.parquet",
  timestampField: "event_timestamp",
  createdTimestampColumn: "created",
});

/** Spending in the last hour, refreshed hourly for active users. */
export const userTransactions = new FeatureView({
  name: "user_transactions",
  entities: [user],
  ttl: "1d",
  source: transactionsSource,
  schema: [
    { name: "txn_count_1h", dtype: "Int32" },
    { name: "txn_amount_1h", dtype: "Float64" },
    { name: "foreign_txn_ratio_24h", dtype: "Float32" },
  ],
  tags: { team: "risk" },
});

/** The bureau profile, refreshed every few hours. */
export const userCredit = new FeatureView({
  name: "user_credit",
  entities: [user],
  ttl: "7d",
  source: creditSource,
  schema: [
    { name: "credit_score", dtype: "Int32" },
    { name: "credit_utilization", dtype: "Float32" },
    { name: "open_accounts", dtype: "Int32" },
    { name: "late_payments_90d", dtype: "Int64" },
  ],
  tags: { team: "risk", pii: "true" },
});

/** What the credit model v1 reads. */
export const creditModelV1 = new FeatureService({
  name: "credit_model_v1",
  features: [userCredit, userTransactions.select("txn_count_1h", "txn_amount_1h")],
});
