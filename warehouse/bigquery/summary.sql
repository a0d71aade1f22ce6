-- Rapport's per-customer summary and monthly cohorts, in BigQuery (GoogleSQL, run as one script), from a
-- Shopify orders export loaded as the table `rapport.shopify_orders`, every column STRING, the export's
-- header kept as the column names ("Created at", "Refunded Amount"; flexible column names). How to load it:
-- warehouse/README.md. Replace the dataset `rapport` below with yours.
--
-- Creates:
--   rapport.rapport_summary   one row per customer; the columns of `rapport summary WS.rapport`:
--                             customer_id, first_order, last_order, orders, purchase_days, net_revenue,
--                             x, t_x, T, zbar, t_x_days, T_days
--   rapport.rapport_cohorts   cohort_month, month, months_since, cohort_customers, active_customers, orders,
--                             net_revenue
-- The rules (the engine's, and the same as warehouse/duckdb/summary.sql, which is tested against it):
--   order-level rows (non-empty Currency) the engine accepts (a "YYYY-MM-DD HH:MM:SS ±HHMM" Created at, a
--   three-letter Currency, numeric amounts, a Name), counted once per (Id, Name); valid = not cancelled,
--   not voided, not a test order (the "Bogus" gateway or the tag "test"); customer = the e-mail trimmed and
--   lower-cased; the day = the store-local date written before the offset; net = Total − Refunded Amount;
--   x = distinct purchase days − 1, t_x = last − first day, T = as_of − first day (days / 7 in weeks);
--   zbar = mean value of the repeat purchase days.

-- Parameters (script variables, named so that no column hides them): NULL means the default.
DECLARE rapport_as_of DATE DEFAULT NULL;  -- last day counted, inclusive (default: the latest valid order day)
DECLARE rapport_unit STRING DEFAULT 'week';-- 'week' or 'day': the unit of t_x and T
DECLARE rapport_currency STRING DEFAULT NULL;-- default: the currency with the most valid net revenue
DECLARE unit_days FLOAT64 DEFAULT IF(rapport_unit = 'day', 1.0, 7.0);

CREATE TEMP TABLE rapport_valid_orders AS
WITH order_rows AS (
  SELECT
    TRIM(`Name`) AS order_name,
    ARRAY_TO_STRING([NULLIF(REGEXP_REPLACE(TRIM(IFNULL(`Id`, '')), r"^'", ''), ''), TRIM(`Name`)], ':') AS order_key,
    LOWER(REGEXP_REPLACE(TRIM(IFNULL(`Email`, '')), r"^'", '')) AS email,
    TRIM(`Created at`) AS created,
    UPPER(TRIM(`Currency`)) AS currency,
    TRIM(IFNULL(`Cancelled at`, '')) AS cancelled_at,
    LOWER(TRIM(IFNULL(`Financial Status`, ''))) AS financial_status,
    LOWER(IFNULL(`Payment Method`, '')) AS payment_method,
    EXISTS(SELECT 1 FROM UNNEST(SPLIT(LOWER(IFNULL(`Tags`, '')), ',')) AS tag WHERE TRIM(tag) = 'test') AS test_tag,
    SAFE_CAST(NULLIF(TRIM(IFNULL(`Total`, '')), '') AS NUMERIC) AS total,
    IFNULL(SAFE_CAST(NULLIF(TRIM(IFNULL(`Refunded Amount`, '')), '') AS NUMERIC), 0) AS refunded,
    (TRIM(IFNULL(`Subtotal`, '')) = '' OR SAFE_CAST(TRIM(`Subtotal`) AS NUMERIC) IS NOT NULL)
      AND (TRIM(IFNULL(`Shipping`, '')) = '' OR SAFE_CAST(TRIM(`Shipping`) AS NUMERIC) IS NOT NULL)
      AND (TRIM(IFNULL(`Taxes`, '')) = '' OR SAFE_CAST(TRIM(`Taxes`) AS NUMERIC) IS NOT NULL)
      AND (TRIM(IFNULL(`Discount Amount`, '')) = '' OR SAFE_CAST(TRIM(`Discount Amount`) AS NUMERIC) IS NOT NULL)
      AND (TRIM(IFNULL(`Refunded Amount`, '')) = '' OR SAFE_CAST(TRIM(`Refunded Amount`) AS NUMERIC) IS NOT NULL)
      AS amounts_ok
  FROM rapport.shopify_orders
  WHERE TRIM(IFNULL(`Currency`, '')) <> ''
),
parsed AS (
  SELECT *,
    IF(REGEXP_CONTAINS(created, r'^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} [+-]\d{4}$')
         AND SAFE.PARSE_TIMESTAMP('%Y-%m-%d %H:%M:%S %z', created) IS NOT NULL,
       SAFE.PARSE_DATE('%Y-%m-%d', SUBSTR(created, 1, 10)), NULL) AS day
  FROM order_rows
),
accepted AS (
  SELECT * FROM parsed
  WHERE day IS NOT NULL AND REGEXP_CONTAINS(currency, r'^[A-Z]{3}$') AND total IS NOT NULL AND amounts_ok
    AND order_name <> ''
  QUALIFY ROW_NUMBER() OVER (PARTITION BY order_key ORDER BY created, order_name) = 1
)
SELECT email, currency, day, total - refunded AS net
FROM accepted
WHERE cancelled_at = '' AND financial_status <> 'voided'
  AND NOT CONTAINS_SUBSTR(payment_method, 'bogus') AND NOT test_tag;

SET rapport_as_of = IFNULL(rapport_as_of, (SELECT MAX(day) FROM rapport_valid_orders));
SET rapport_currency = IFNULL(rapport_currency, (SELECT currency FROM rapport_valid_orders GROUP BY currency
                                 ORDER BY SUM(net) DESC, currency LIMIT 1));

CREATE OR REPLACE TABLE rapport.rapport_summary AS
WITH orders AS (
  SELECT email AS customer_id, day, net FROM rapport_valid_orders
  WHERE currency = rapport_currency AND day <= rapport_as_of AND REGEXP_CONTAINS(email, r'^[^@ ,;]+@[^@ ,;]+$')
),
days AS (
  SELECT customer_id, day, COUNT(*) AS orders, SUM(net) AS net FROM orders GROUP BY customer_id, day
),
per_customer AS (
  SELECT customer_id, MIN(day) AS first_order, MAX(day) AS last_order, SUM(orders) AS orders,
         COUNT(*) AS purchase_days, SUM(net) AS net_revenue,
         ARRAY_AGG(net ORDER BY day LIMIT 1)[OFFSET(0)] AS first_day_net
  FROM days GROUP BY customer_id
)
SELECT customer_id, first_order, last_order, orders, purchase_days, net_revenue,
       purchase_days - 1 AS x,
       DATE_DIFF(last_order, first_order, DAY) / unit_days AS t_x,
       DATE_DIFF(rapport_as_of, first_order, DAY) / unit_days AS T,
       IF(purchase_days > 1, CAST(net_revenue - first_day_net AS FLOAT64) / (purchase_days - 1), 0) AS zbar,
       DATE_DIFF(last_order, first_order, DAY) AS t_x_days,
       DATE_DIFF(rapport_as_of, first_order, DAY) AS T_days
FROM per_customer
ORDER BY customer_id;

CREATE OR REPLACE TABLE rapport.rapport_cohorts AS
WITH firsts AS (
  SELECT customer_id, DATE_TRUNC(first_order, MONTH) AS cohort_month FROM rapport.rapport_summary
),
sizes AS (
  SELECT cohort_month, COUNT(*) AS cohort_customers FROM firsts GROUP BY cohort_month
),
orders AS (
  SELECT email AS customer_id, day, net FROM rapport_valid_orders WHERE currency = rapport_currency AND day <= rapport_as_of
)
SELECT FORMAT_DATE('%Y-%m', f.cohort_month) AS cohort_month,
       FORMAT_DATE('%Y-%m', DATE_TRUNC(o.day, MONTH)) AS month,
       DATE_DIFF(DATE_TRUNC(o.day, MONTH), f.cohort_month, MONTH) AS months_since,
       s.cohort_customers,
       COUNT(DISTINCT o.customer_id) AS active_customers,
       COUNT(*) AS orders,
       SUM(o.net) AS net_revenue
FROM orders o
JOIN firsts f USING (customer_id)
JOIN sizes s USING (cohort_month)
GROUP BY cohort_month, month, months_since, cohort_customers
ORDER BY cohort_month, months_since;
