-- Rapport's per-customer summary and monthly cohorts, in Spark SQL (Spark >= 3.5; `spark-sql -f summary.sql`),
-- from a Shopify orders export registered as the view `shopify_orders` with every column a string and the
-- export's header as the column names. How to register it (and how to run this on Databricks): warehouse/README.md.
--
-- Creates the temporary views rapport_summary (the columns of `rapport summary WS.rapport`: customer_id,
-- first_order, last_order, orders, purchase_days, net_revenue, x, t_x, T, zbar, t_x_days, T_days) and
-- rapport_cohorts (cohort_month, month, months_since, cohort_customers, active_customers, orders, net_revenue);
-- the last two statements print them. Save them with `INSERT OVERWRITE DIRECTORY` or from a DataFrame.
-- The rules are the engine's, the same as warehouse/duckdb/summary.sql (which is tested against it):
--   order-level rows (non-empty Currency) the engine accepts (a "YYYY-MM-DD HH:MM:SS ±HHMM" Created at, a
--   three-letter Currency, numeric amounts, a Name), counted once per (Id, Name); valid = not cancelled,
--   not voided, not a test order (the "Bogus" gateway or the tag "test"); customer = the e-mail trimmed and
--   lower-cased; the day = the store-local date written before the offset; net = Total − Refunded Amount;
--   x = distinct purchase days − 1, t_x = last − first day, T = as_of − first day (days / 7 in weeks);
--   zbar = mean value of the repeat purchase days.

-- Parameters: edit the literals; NULL means the default.
CREATE OR REPLACE TEMP VIEW rapport_params AS SELECT
  CAST(NULL AS DATE) AS as_of_param,       -- last day counted, inclusive (default: the latest valid order day)
  'week' AS unit,                          -- 'week' or 'day': the unit of t_x and T
  CAST(NULL AS STRING) AS currency_param;  -- default: the currency with the most valid net revenue

CREATE OR REPLACE TEMP VIEW rapport_all_valid_orders AS
WITH order_rows AS (
  SELECT
    trim(`Name`) AS order_name,
    concat_ws(':', nullif(regexp_replace(trim(coalesce(`Id`, '')), '^\'', ''), ''), trim(`Name`)) AS order_key,
    lower(regexp_replace(trim(coalesce(`Email`, '')), '^\'', '')) AS email,
    trim(`Created at`) AS created,
    upper(trim(`Currency`)) AS currency,
    trim(coalesce(`Cancelled at`, '')) AS cancelled_at,
    lower(trim(coalesce(`Financial Status`, ''))) AS financial_status,
    lower(coalesce(`Payment Method`, '')) AS payment_method,
    array_contains(transform(split(lower(coalesce(`Tags`, '')), ','), t -> trim(t)), 'test') AS test_tag,
    try_cast(nullif(trim(coalesce(`Total`, '')), '') AS DECIMAL(18, 2)) AS total,
    coalesce(try_cast(nullif(trim(coalesce(`Refunded Amount`, '')), '') AS DECIMAL(18, 2)), 0) AS refunded,
    (trim(coalesce(`Subtotal`, '')) = '' OR try_cast(trim(`Subtotal`) AS DECIMAL(18, 2)) IS NOT NULL)
      AND (trim(coalesce(`Shipping`, '')) = '' OR try_cast(trim(`Shipping`) AS DECIMAL(18, 2)) IS NOT NULL)
      AND (trim(coalesce(`Taxes`, '')) = '' OR try_cast(trim(`Taxes`) AS DECIMAL(18, 2)) IS NOT NULL)
      AND (trim(coalesce(`Discount Amount`, '')) = '' OR try_cast(trim(`Discount Amount`) AS DECIMAL(18, 2)) IS NOT NULL)
      AND (trim(coalesce(`Refunded Amount`, '')) = '' OR try_cast(trim(`Refunded Amount`) AS DECIMAL(18, 2)) IS NOT NULL)
      AS amounts_ok
  FROM shopify_orders
  WHERE trim(coalesce(`Currency`, '')) <> ''
),
parsed AS (
  SELECT *,
    CASE WHEN created RLIKE '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} [+-][0-9]{4}$'
         THEN to_date(try_to_timestamp(substr(created, 1, 19), 'yyyy-MM-dd HH:mm:ss')) END AS day
  FROM order_rows
),
accepted AS (
  SELECT *, row_number() OVER (PARTITION BY order_key ORDER BY created, order_name) AS copy
  FROM parsed
  WHERE day IS NOT NULL AND currency RLIKE '^[A-Z]{3}$' AND total IS NOT NULL AND amounts_ok AND order_name <> ''
)
SELECT email, currency, day, total - refunded AS net
FROM accepted
WHERE copy = 1 AND cancelled_at = '' AND financial_status <> 'voided'
  AND NOT contains(payment_method, 'bogus') AND NOT test_tag;

CREATE OR REPLACE TEMP VIEW rapport_resolved AS
SELECT coalesce(p.as_of_param, (SELECT max(day) FROM rapport_all_valid_orders)) AS as_of,
       CASE p.unit WHEN 'day' THEN 1.0D ELSE 7.0D END AS unit_days,
       coalesce(p.currency_param, (SELECT currency FROM rapport_all_valid_orders GROUP BY currency
                                   ORDER BY sum(net) DESC, currency LIMIT 1)) AS currency
FROM rapport_params p;

CREATE OR REPLACE TEMP VIEW rapport_valid_orders AS
SELECT o.email AS customer_id, o.day, o.net, r.as_of, r.unit_days
FROM rapport_all_valid_orders o CROSS JOIN rapport_resolved r
WHERE o.currency = r.currency AND o.day <= r.as_of AND o.email RLIKE '^[^@ ,;]+@[^@ ,;]+$';

CREATE OR REPLACE TEMP VIEW rapport_summary AS
WITH days AS (
  SELECT customer_id, day, count(*) AS orders, sum(net) AS net, first(as_of) AS as_of, first(unit_days) AS unit_days
  FROM rapport_valid_orders GROUP BY customer_id, day
),
per_customer AS (
  SELECT customer_id, min(day) AS first_order, max(day) AS last_order, sum(orders) AS orders,
         count(*) AS purchase_days, sum(net) AS net_revenue, min_by(net, day) AS first_day_net,
         first(as_of) AS as_of, first(unit_days) AS unit_days
  FROM days GROUP BY customer_id
)
SELECT customer_id, first_order, last_order, orders, purchase_days, net_revenue,
       purchase_days - 1 AS x,
       datediff(last_order, first_order) / unit_days AS t_x,
       datediff(as_of, first_order) / unit_days AS T,
       CASE WHEN purchase_days > 1 THEN CAST(net_revenue - first_day_net AS DOUBLE) / (purchase_days - 1) ELSE 0D END AS zbar,
       datediff(last_order, first_order) AS t_x_days,
       datediff(as_of, first_order) AS T_days
FROM per_customer;

CREATE OR REPLACE TEMP VIEW rapport_cohorts AS
WITH firsts AS (
  SELECT customer_id, trunc(first_order, 'MM') AS cohort_month FROM rapport_summary
),
sizes AS (
  SELECT cohort_month, count(*) AS cohort_customers FROM firsts GROUP BY cohort_month
)
SELECT date_format(f.cohort_month, 'yyyy-MM') AS cohort_month,
       date_format(trunc(o.day, 'MM'), 'yyyy-MM') AS month,
       (year(o.day) * 12 + month(o.day)) - (year(f.cohort_month) * 12 + month(f.cohort_month)) AS months_since,
       s.cohort_customers,
       count(DISTINCT o.customer_id) AS active_customers,
       count(*) AS orders,
       sum(o.net) AS net_revenue
FROM rapport_valid_orders o
JOIN firsts f ON o.customer_id = f.customer_id
JOIN sizes s ON f.cohort_month = s.cohort_month
GROUP BY f.cohort_month, trunc(o.day, 'MM'), year(o.day), month(o.day), s.cohort_customers;

SELECT * FROM rapport_summary ORDER BY customer_id;
SELECT * FROM rapport_cohorts ORDER BY cohort_month, months_since;
