SELECT count(*) AS "rows"
FROM (
  SELECT DISTINCT "user_id"
  FROM (
    SELECT "uid" AS "user_id", "event_timestamp" AS "__event_ts", "created" AS "__created_ts", hash("n_clicks", "ctr") AS "__tie", "n_clicks" AS "clicks", CAST("ctr" AS FLOAT) AS "ctr"
    FROM read_parquet('/repo/data/user_stats.parquet')
    WHERE "event_timestamp" >= TIMESTAMPTZ '2024-01-01 00:00:00+00' AND "event_timestamp" <= TIMESTAMPTZ '2024-01-02 00:00:00+00'
  ) AS "source"
) AS "keys"
