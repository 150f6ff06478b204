SELECT `user_id`, `__event_ts`, `__created_ts`, `clicks`, `ctr`
FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY `user_id` ORDER BY `__event_ts` DESC, `__created_ts` DESC NULLS LAST, `__tie` DESC) AS `__rank`
  FROM (
    SELECT `uid` AS `user_id`, `event_timestamp` AS `__event_ts`, `created` AS `__created_ts`, CAST(CONCAT('0x', SUBSTR(TO_HEX(MD5(COALESCE(CAST(LENGTH(CAST(`n_clicks` AS STRING)) AS STRING) || ':' || CAST(`n_clicks` AS STRING), '-') || '|' || COALESCE(CAST(LENGTH(FORMAT('%.17g', IF(IS_NAN(`ctr`), NULL, `ctr`))) AS STRING) || ':' || FORMAT('%.17g', IF(IS_NAN(`ctr`), NULL, `ctr`)), '-'))), 1, 15)) AS INT64) AS `__tie`, `n_clicks` AS `clicks`, `ctr`
    FROM `my-project.features.user_stats`
    WHERE `event_timestamp` >= TIMESTAMP '2024-01-01 00:00:00+00' AND `event_timestamp` <= TIMESTAMP '2024-01-02 00:00:00+00'
  ) AS `source`
) AS `ranked`
WHERE `__rank` = 1
