WITH "fv0__source" AS (
  SELECT "uid" AS "user_id", "event_timestamp" AS "__event_ts", "created" AS "__created_ts", CAST('0x' || substr(md5(COALESCE(CAST(LENGTH(CAST("n_clicks" AS VARCHAR)) AS VARCHAR) || ':' || CAST("n_clicks" AS VARCHAR), '-') || '|' || COALESCE(CAST(LENGTH(printf('%.17g', CAST(CASE WHEN isnan("ctr") THEN NULL ELSE "ctr" END AS DOUBLE))) AS VARCHAR) || ':' || printf('%.17g', CAST(CASE WHEN isnan("ctr") THEN NULL ELSE "ctr" END AS DOUBLE)), '-')), 1, 15) AS BIGINT) AS "__tie", "n_clicks" AS "clicks", CAST("ctr" AS FLOAT) AS "ctr"
  FROM read_parquet('/repo/data/user_stats.parquet')
  WHERE "event_timestamp" >= TIMESTAMPTZ '2023-12-31 00:00:00+00' AND "event_timestamp" <= TIMESTAMPTZ '2024-03-31 12:30:00.250+00'
),
"fv0" AS (
  SELECT "__row", "__event_ts", "__created_ts", "clicks", "ctr"
  FROM (
    SELECT "entity"."rowid" AS "__row", "fv0"."__event_ts", "fv0"."__created_ts", "fv0"."clicks", "fv0"."ctr",
      ROW_NUMBER() OVER (PARTITION BY "entity"."rowid" ORDER BY "fv0"."__event_ts" DESC, "fv0"."__created_ts" DESC NULLS LAST, "fv0"."__tie" DESC) AS "__rank"
    FROM "skewless_entity" AS "entity"
    JOIN "fv0__source" AS "fv0" ON "entity"."customer_id" = "fv0"."user_id"
      AND "fv0"."__event_ts" <= "entity"."event_timestamp"
      AND "fv0"."__event_ts" >= ("entity"."event_timestamp" - INTERVAL 86400 SECOND)
  ) AS "ranked"
  WHERE "__rank" = 1
),
"fv1__source" AS (
  SELECT "user_id", "merchant_id", CAST("ts" AS TIMESTAMPTZ) AS "__event_ts", CAST('0x' || substr(md5(COALESCE(CAST(LENGTH(printf('%.17g', CAST(CASE WHEN isnan("amount") THEN NULL ELSE "amount" END AS DOUBLE))) AS VARCHAR) || ':' || printf('%.17g', CAST(CASE WHEN isnan("amount") THEN NULL ELSE "amount" END AS DOUBLE)), '-')), 1, 15) AS BIGINT) AS "__tie", "amount"
  FROM read_parquet('/repo/data/transfers.parquet')
  WHERE CAST("ts" AS TIMESTAMPTZ) <= TIMESTAMPTZ '2024-03-31 12:30:00.250+00'
),
"fv1" AS (
  SELECT "__row", "__event_ts", "amount"
  FROM (
    SELECT "entity"."rowid" AS "__row", "fv1"."__event_ts", "fv1"."amount",
      ROW_NUMBER() OVER (PARTITION BY "entity"."rowid" ORDER BY "fv1"."__event_ts" DESC, "fv1"."__tie" DESC) AS "__rank"
    FROM "skewless_entity" AS "entity"
    JOIN "fv1__source" AS "fv1" ON "entity"."customer_id" = "fv1"."user_id"
      AND "entity"."merchant_id" = "fv1"."merchant_id"
      AND "fv1"."__event_ts" <= "entity"."event_timestamp"
  ) AS "ranked"
  WHERE "__rank" = 1
)
SELECT "entity"."customer_id",
  "entity"."merchant_id",
  "entity"."event_timestamp",
  "entity"."label",
  "fv0"."clicks" AS "clicks",
  CASE WHEN isnan("fv0"."ctr") THEN NULL ELSE "fv0"."ctr" END AS "ctr",
  "fv0"."__event_ts" AS "user_stats__event_timestamp",
  "fv0"."__created_ts" AS "user_stats__created_timestamp",
  CASE WHEN isnan("fv1"."amount") THEN NULL ELSE "fv1"."amount" END AS "amount",
  "fv1"."__event_ts" AS "transfers__event_timestamp"
FROM "skewless_entity" AS "entity"
LEFT JOIN "fv0" ON "fv0"."__row" = "entity"."rowid"
LEFT JOIN "fv1" ON "fv1"."__row" = "entity"."rowid"
ORDER BY "entity"."rowid"
