SELECT count(*) AS "rows"
FROM (
  SELECT DISTINCT "user_id"
  FROM (
    SELECT "uid" AS "user_id", "event_timestamp" AS "__event_ts", "created" AS "__created_ts", CAST('0x' || substr(md5(COALESCE(CAST(LENGTH(CAST("n_clicks" AS VARCHAR)) AS VARCHAR) || ':' || CAST("n_clicks" AS VARCHAR), '-') || '|' || COALESCE(CAST(LENGTH(printf('%.17g', CAST(CASE WHEN isnan("ctr") THEN NULL ELSE "ctr" END AS DOUBLE))) AS VARCHAR) || ':' || printf('%.17g', CAST(CASE WHEN isnan("ctr") THEN NULL ELSE "ctr" END AS DOUBLE)), '-')), 1, 15) AS BIGINT) AS "__tie", "n_clicks" AS "clicks", CAST("ctr" AS FLOAT) AS "ctr"
    FROM read_parquet('/repo/data/user_stats.parquet')
    WHERE "event_timestamp" >= TIMESTAMPTZ '2024-01-01 00:00:00+00' AND "event_timestamp" <= TIMESTAMPTZ '2024-01-02 00:00:00+00'
  ) AS "source"
) AS "keys"
