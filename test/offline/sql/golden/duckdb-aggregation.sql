WITH "fv0__source" AS (
  SELECT "user_id", "merchant_id", "ts" AS "__event_ts", hash("amount") AS "__tie", "amount"
  FROM read_parquet('/repo/data/transfers.parquet')
  WHERE "ts" >= TIMESTAMPTZ '2023-12-25 00:00:00+00' AND "ts" <= TIMESTAMPTZ '2024-03-31 12:30:00.250+00'
),
"fv0" AS (
  SELECT "entity"."rowid" AS "__row",
    CAST(SUM(CASE WHEN epoch_us("fv0"."__event_ts") >= ((epoch_us("entity"."event_timestamp") // 60000000) + 1) * 60000000 - 3600000000 THEN "fv0"."amount" END) AS DOUBLE) AS "amount_sum_1h",
    first("fv0"."amount" ORDER BY "fv0"."__event_ts" DESC, "fv0"."amount" DESC) FILTER (WHERE epoch_us("fv0"."__event_ts") >= ((epoch_us("entity"."event_timestamp") // 3600000000) + 1) * 3600000000 - 604800000000 AND "fv0"."amount" IS NOT NULL) AS "amount_last_7d",
    CAST(SUM(CASE WHEN epoch_us("fv0"."__event_ts") >= ((epoch_us("entity"."event_timestamp") // 1440000000) + 1) * 1440000000 - 86400000000 THEN "fv0"."amount" END) AS DOUBLE) / NULLIF(COUNT(CASE WHEN epoch_us("fv0"."__event_ts") >= ((epoch_us("entity"."event_timestamp") // 1440000000) + 1) * 1440000000 - 86400000000 THEN "fv0"."amount" END), 0) AS "amount_mean_1d"
  FROM "skewless_entity" AS "entity"
  JOIN "fv0__source" AS "fv0" ON "entity"."customer_id" = "fv0"."user_id"
    AND "entity"."merchant_id" = "fv0"."merchant_id"
    AND "fv0"."__event_ts" <= "entity"."event_timestamp"
    AND (epoch_us("fv0"."__event_ts") >= ((epoch_us("entity"."event_timestamp") // 60000000) + 1) * 60000000 - 3600000000 OR epoch_us("fv0"."__event_ts") >= ((epoch_us("entity"."event_timestamp") // 3600000000) + 1) * 3600000000 - 604800000000 OR epoch_us("fv0"."__event_ts") >= ((epoch_us("entity"."event_timestamp") // 1440000000) + 1) * 1440000000 - 86400000000)
  GROUP BY "entity"."rowid"
)
SELECT "entity"."customer_id",
  "entity"."merchant_id",
  "entity"."event_timestamp",
  "entity"."label",
  CASE WHEN isnan("fv0"."amount_sum_1h") THEN NULL ELSE "fv0"."amount_sum_1h" END AS "amount_sum_1h",
  CASE WHEN isnan("fv0"."amount_last_7d") THEN NULL ELSE "fv0"."amount_last_7d" END AS "amount_last_7d",
  CASE WHEN isnan("fv0"."amount_mean_1d") THEN NULL ELSE "fv0"."amount_mean_1d" END AS "amount_mean_1d"
FROM "skewless_entity" AS "entity"
LEFT JOIN "fv0" ON "fv0"."__row" = "entity"."rowid"
ORDER BY "entity"."rowid"
