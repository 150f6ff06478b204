WITH `fv0__source` AS (
  SELECT `uid` AS `user_id`, `event_timestamp` AS `__event_ts`, `created` AS `__created_ts`, CAST(CONCAT('0x', SUBSTR(TO_HEX(MD5(COALESCE(CAST(LENGTH(CAST(`n_clicks` AS STRING)) AS STRING) || ':' || CAST(`n_clicks` AS STRING), '-') || '|' || COALESCE(CAST(LENGTH(FORMAT('%.17g', IF(IS_NAN(`ctr`), NULL, `ctr`))) AS STRING) || ':' || FORMAT('%.17g', IF(IS_NAN(`ctr`), NULL, `ctr`)), '-'))), 1, 15)) AS INT64) AS `__tie`, `n_clicks` AS `clicks`, `ctr`
  FROM `my-project.features.user_stats`
  WHERE `event_timestamp` >= TIMESTAMP '2023-12-31 00:00:00+00' AND `event_timestamp` <= TIMESTAMP '2024-03-31 12:30:00.250+00'
),
`fv0` AS (
  SELECT `__row`, `__event_ts`, `__created_ts`, `clicks`, `ctr`
  FROM (
    SELECT `entity`.`__row` AS `__row`, `fv0`.`__event_ts`, `fv0`.`__created_ts`, `fv0`.`clicks`, `fv0`.`ctr`,
      ROW_NUMBER() OVER (PARTITION BY `entity`.`__row` ORDER BY `fv0`.`__event_ts` DESC, `fv0`.`__created_ts` DESC NULLS LAST, `fv0`.`__tie` DESC) AS `__rank`
    FROM `my-project.scratch.entity_rows` AS `entity`
    JOIN `fv0__source` AS `fv0` ON `entity`.`customer_id` = `fv0`.`user_id`
      AND `fv0`.`__event_ts` <= `entity`.`event_timestamp`
      AND `fv0`.`__event_ts` >= TIMESTAMP_SUB(`entity`.`event_timestamp`, INTERVAL 86400 SECOND)
  ) AS `ranked`
  WHERE `__rank` = 1
),
`fv1__source` AS (
  SELECT `user_id`, `merchant_id`, `ts` AS `__event_ts`, CAST(CONCAT('0x', SUBSTR(TO_HEX(MD5(COALESCE(CAST(LENGTH(FORMAT('%.17g', IF(IS_NAN(`amount`), NULL, `amount`))) AS STRING) || ':' || FORMAT('%.17g', IF(IS_NAN(`amount`), NULL, `amount`)), '-'))), 1, 15)) AS INT64) AS `__tie`, `amount`
  FROM (SELECT * FROM `my-project.raw.transfers` WHERE amount > 0)
  WHERE `ts` <= TIMESTAMP '2024-03-31 12:30:00.250+00'
),
`fv1` AS (
  SELECT `__row`, `__event_ts`, `amount`
  FROM (
    SELECT `entity`.`__row` AS `__row`, `fv1`.`__event_ts`, `fv1`.`amount`,
      ROW_NUMBER() OVER (PARTITION BY `entity`.`__row` ORDER BY `fv1`.`__event_ts` DESC, `fv1`.`__tie` DESC) AS `__rank`
    FROM `my-project.scratch.entity_rows` AS `entity`
    JOIN `fv1__source` AS `fv1` ON `entity`.`customer_id` = `fv1`.`user_id`
      AND `entity`.`merchant_id` = `fv1`.`merchant_id`
      AND `fv1`.`__event_ts` <= `entity`.`event_timestamp`
  ) AS `ranked`
  WHERE `__rank` = 1
)
SELECT `entity`.`customer_id`,
  `entity`.`merchant_id`,
  `entity`.`event_timestamp`,
  `entity`.`label`,
  `fv0`.`clicks` AS `clicks`,
  IF(IS_NAN(`fv0`.`ctr`), NULL, `fv0`.`ctr`) AS `ctr`,
  `fv0`.`__event_ts` AS `user_stats__event_timestamp`,
  `fv0`.`__created_ts` AS `user_stats__created_timestamp`,
  IF(IS_NAN(`fv1`.`amount`), NULL, `fv1`.`amount`) AS `amount`,
  `fv1`.`__event_ts` AS `transfers__event_timestamp`
FROM `my-project.scratch.entity_rows` AS `entity`
LEFT JOIN `fv0` ON `fv0`.`__row` = `entity`.`__row`
LEFT JOIN `fv1` ON `fv1`.`__row` = `entity`.`__row`
ORDER BY `entity`.`__row`
