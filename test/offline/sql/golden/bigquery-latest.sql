SELECT `user_id`, `__event_ts`, `__created_ts`, `clicks`, `ctr`
FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY `user_id` ORDER BY `__event_ts` DESC, `__created_ts` DESC NULLS LAST, `__tie` DESC) AS `__rank`
  FROM (
    SELECT `uid` AS `user_id`, `event_timestamp` AS `__event_ts`, `created` AS `__created_ts`, FARM_FINGERPRINT(TO_JSON_STRING(STRUCT(`n_clicks`, `ctr`))) AS `__tie`, `n_clicks` AS `clicks`, `ctr`
    FROM `my-project.features.user_stats`
    WHERE `event_timestamp` >= TIMESTAMP '2024-01-01 00:00:00+00' AND `event_timestamp` <= TIMESTAMP '2024-01-02 00:00:00+00'
  ) AS `source`
) AS `ranked`
WHERE `__rank` = 1
