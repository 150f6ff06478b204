WITH `fv0__source` AS (
  SELECT `user_id`, `merchant_id`, `ts` AS `__event_ts`, FARM_FINGERPRINT(TO_JSON_STRING(STRUCT(`amount`))) AS `__tie`, `amount`
  FROM (SELECT * FROM `my-project.raw.transfers` WHERE amount > 0)
  WHERE `ts` >= TIMESTAMP '2023-12-25 00:00:00+00' AND `ts` <= TIMESTAMP '2024-03-31 12:30:00.250+00'
),
`fv0` AS (
  SELECT `entity`.`__row` AS `__row`,
    CAST(SUM(CASE WHEN UNIX_MICROS(`fv0`.`__event_ts`) >= (DIV(UNIX_MICROS(`entity`.`event_timestamp`), 60000000) + 1) * 60000000 - 3600000000 THEN `fv0`.`amount` END) AS FLOAT64) AS `amount_sum_1h`,
    ARRAY_AGG(IF(UNIX_MICROS(`fv0`.`__event_ts`) >= (DIV(UNIX_MICROS(`entity`.`event_timestamp`), 3600000000) + 1) * 3600000000 - 604800000000, `fv0`.`amount`, NULL) IGNORE NULLS ORDER BY `fv0`.`__event_ts` DESC, `fv0`.`amount` DESC LIMIT 1)[SAFE_OFFSET(0)] AS `amount_last_7d`,
    CAST(SUM(CASE WHEN UNIX_MICROS(`fv0`.`__event_ts`) >= (DIV(UNIX_MICROS(`entity`.`event_timestamp`), 1440000000) + 1) * 1440000000 - 86400000000 THEN `fv0`.`amount` END) AS FLOAT64) / NULLIF(COUNT(CASE WHEN UNIX_MICROS(`fv0`.`__event_ts`) >= (DIV(UNIX_MICROS(`entity`.`event_timestamp`), 1440000000) + 1) * 1440000000 - 86400000000 THEN `fv0`.`amount` END), 0) AS `amount_mean_1d`
  FROM `my-project.scratch.entity_rows` AS `entity`
  JOIN `fv0__source` AS `fv0` ON `entity`.`customer_id` = `fv0`.`user_id`
    AND `entity`.`merchant_id` = `fv0`.`merchant_id`
    AND `fv0`.`__event_ts` <= `entity`.`event_timestamp`
    AND (UNIX_MICROS(`fv0`.`__event_ts`) >= (DIV(UNIX_MICROS(`entity`.`event_timestamp`), 60000000) + 1) * 60000000 - 3600000000 OR UNIX_MICROS(`fv0`.`__event_ts`) >= (DIV(UNIX_MICROS(`entity`.`event_timestamp`), 3600000000) + 1) * 3600000000 - 604800000000 OR UNIX_MICROS(`fv0`.`__event_ts`) >= (DIV(UNIX_MICROS(`entity`.`event_timestamp`), 1440000000) + 1) * 1440000000 - 86400000000)
  GROUP BY `entity`.`__row`
)
SELECT `entity`.`customer_id`,
  `entity`.`merchant_id`,
  `entity`.`event_timestamp`,
  `entity`.`label`,
  IF(IS_NAN(`fv0`.`amount_sum_1h`), NULL, `fv0`.`amount_sum_1h`) AS `amount_sum_1h`,
  IF(IS_NAN(`fv0`.`amount_last_7d`), NULL, `fv0`.`amount_last_7d`) AS `amount_last_7d`,
  IF(IS_NAN(`fv0`.`amount_mean_1d`), NULL, `fv0`.`amount_mean_1d`) AS `amount_mean_1d`
FROM `my-project.scratch.entity_rows` AS `entity`
LEFT JOIN `fv0` ON `fv0`.`__row` = `entity`.`__row`
ORDER BY `entity`.`__row`
