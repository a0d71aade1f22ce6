-- Rapport's per-customer summary and monthly cohorts, in DuckDB (>= 1.1), from a Shopify orders export
-- loaded as the table `shopify_orders` with every column as text (warehouse/README.md):
--
--   CREATE TABLE shopify_orders AS
--     SELECT * FROM read_csv('orders_export_1.csv', header = true, all_varchar = true);
--
-- Parameters (optional; unset means the default):
--   SET VARIABLE as_of = DATE '2025-12-31';  -- last day counted, inclusive (default: the latest valid order day)
--   SET VARIABLE unit = 'week';              -- 'week' (default) or 'day': the unit of t_x and T
--   SET VARIABLE currency = 'USD';           -- default: the currency with the most valid net revenue
--
-- Creates three tables:
--   rapport_valid_orders  one row per valid order of a customer: customer_id, order_key, day, net (and the
--                         parameters as_of, unit_days, the same on every row)
--   rapport_summary       one row per customer; the columns of `rapport summary WS.rapport` (cli/cmd_summary.cpp):
--                         customer_id, first_order, last_order, orders, purchase_days, net_revenue,
--                         x, t_x, T, zbar, t_x_days, T_days
--   rapport_cohorts       cohort_month, month, months_since, cohort_customers, active_customers, orders, net_revenue
--
-- The rules are the engine's (docs/models.md, core/import/shopify/orders.cpp, core/model/summary.h):
--   - order-level rows only: non-empty `Currency` (line-item rows repeat the order's Name with it empty);
--   - a row the engine rejects is left out: `Created at` not "YYYY-MM-DD HH:MM:SS ±HHMM", `Currency` not three
--     letters, `Total` missing or not a number, another amount not a number, `Name` empty;
--   - an order counts once (key: `Id` and `Name`; copies of an export with renamed orders are distinct orders);
--   - valid = not cancelled (`Cancelled at` empty), not voided (`Financial Status`), not a test order
--     (`Payment Method` naming Shopify's "Bogus" gateway, or the tag "test");
--   - customer key = the e-mail trimmed and lower-cased (one '@', not first or last, no space, ',' or ';');
--     orders without one are guest orders here (the engine also knows customers by phone: they are left out);
--   - the day is the store-local calendar day: the date as written before the ±HHMM offset;
--   - net revenue = Total − Refunded Amount; x = distinct purchase days − 1; t_x = last − first day;
--     T = as_of − first day; zbar = the mean value of the repeat purchase days (orders of a day summed,
--     the first day left out; 0 when x = 0).

CREATE OR REPLACE TABLE rapport_valid_orders AS
WITH order_rows AS (
  SELECT
    trim("Name") AS order_name,
    concat_ws(':', nullif(regexp_replace(trim(coalesce("Id", '')), '^''', ''), ''), trim("Name")) AS order_key,
    lower(regexp_replace(trim(coalesce("Email", '')), '^''', '')) AS email,
    trim("Created at") AS created,
    upper(trim("Currency")) AS currency,
    trim(coalesce("Cancelled at", '')) AS cancelled_at,
    lower(trim(coalesce("Financial Status", ''))) AS financial_status,
    lower(coalesce("Payment Method", '')) AS payment_method,
    list_transform(string_split(lower(coalesce("Tags", '')), ','), t -> trim(t)) AS tags,
    try_cast(nullif(trim(coalesce("Total", '')), '') AS DECIMAL(18, 2)) AS total,
    coalesce(try_cast(nullif(trim(coalesce("Refunded Amount", '')), '') AS DECIMAL(18, 2)), 0) AS refunded,
    -- false when an optional amount is present but not a number (the engine rejects the order)
    (trim(coalesce("Subtotal", '')) = '' OR try_cast(trim("Subtotal") AS DECIMAL(18, 2)) IS NOT NULL)
      AND (trim(coalesce("Shipping", '')) = '' OR try_cast(trim("Shipping") AS DECIMAL(18, 2)) IS NOT NULL)
      AND (trim(coalesce("Taxes", '')) = '' OR try_cast(trim("Taxes") AS DECIMAL(18, 2)) IS NOT NULL)
      AND (trim(coalesce("Discount Amount", '')) = '' OR try_cast(trim("Discount Amount") AS DECIMAL(18, 2)) IS NOT NULL)
      AND (trim(coalesce("Refunded Amount", '')) = '' OR try_cast(trim("Refunded Amount") AS DECIMAL(18, 2)) IS NOT NULL)
      AS amounts_ok
  FROM shopify_orders
  WHERE trim(coalesce("Currency", '')) <> ''
),
parsed AS (
  SELECT *,
    CASE WHEN regexp_full_match(created, '\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} [+-]\d{4}')
              AND try_strptime(created, '%Y-%m-%d %H:%M:%S %z') IS NOT NULL
         THEN CAST(strptime(substr(created, 1, 19), '%Y-%m-%d %H:%M:%S') AS DATE) END AS day
  FROM order_rows
),
accepted AS (
  SELECT * FROM parsed
  WHERE day IS NOT NULL AND regexp_full_match(currency, '[A-Z]{3}') AND total IS NOT NULL AND amounts_ok
    AND order_name <> ''
  QUALIFY row_number() OVER (PARTITION BY order_key ORDER BY created, order_name) = 1
),
valid AS (
  SELECT * FROM accepted
  WHERE cancelled_at = '' AND financial_status <> 'voided'
    AND NOT contains(payment_method, 'bogus') AND NOT list_contains(tags, 'test')
),
analysis_currency AS (
  SELECT coalesce(getvariable('currency'),
                  (SELECT currency FROM valid GROUP BY currency ORDER BY sum(total - refunded) DESC, currency LIMIT 1))
         AS currency
),
params AS (
  SELECT coalesce(CAST(getvariable('as_of') AS DATE), (SELECT max(day) FROM valid)) AS as_of,
         CASE coalesce(getvariable('unit'), 'week') WHEN 'day' THEN 1.0 ELSE 7.0 END AS unit_days
)
SELECT email AS customer_id, order_key, day, total - refunded AS net, params.as_of, params.unit_days
FROM valid, params, analysis_currency
WHERE valid.currency = analysis_currency.currency
  AND day <= params.as_of
  AND regexp_full_match(email, '[^@ ,;]+@[^@ ,;]+');

CREATE OR REPLACE TABLE rapport_summary AS
WITH params AS (
  -- as computed above: the default as_of is the latest valid order day of any order (guests, other currencies)
  SELECT any_value(as_of) AS as_of, any_value(unit_days) AS unit_days FROM rapport_valid_orders
),
days AS (
  SELECT customer_id, day, count(*) AS orders, sum(net) AS net
  FROM rapport_valid_orders GROUP BY customer_id, day
),
per_customer AS (
  SELECT customer_id,
         min(day) AS first_order, max(day) AS last_order,
         sum(orders) AS orders, count(*) AS purchase_days, sum(net) AS net_revenue,
         arg_min(net, day) AS first_day_net
  FROM days GROUP BY customer_id
)
SELECT customer_id,
       first_order, last_order,
       CAST(orders AS BIGINT) AS orders,
       purchase_days,
       net_revenue,
       purchase_days - 1 AS x,
       (last_order - first_order) / unit_days AS t_x,
       (as_of - first_order) / unit_days AS "T",
       CASE WHEN purchase_days > 1 THEN CAST(net_revenue - first_day_net AS DOUBLE) / (purchase_days - 1) ELSE 0 END AS zbar,
       last_order - first_order AS t_x_days,
       as_of - first_order AS T_days
FROM per_customer, params
ORDER BY customer_id;

CREATE OR REPLACE TABLE rapport_cohorts AS
WITH firsts AS (
  SELECT customer_id, date_trunc('month', first_order) AS cohort_month FROM rapport_summary
),
sizes AS (
  SELECT cohort_month, count(*) AS cohort_customers FROM firsts GROUP BY cohort_month
)
SELECT strftime(f.cohort_month, '%Y-%m') AS cohort_month,
       strftime(date_trunc('month', o.day), '%Y-%m') AS month,
       datediff('month', f.cohort_month, date_trunc('month', o.day)) AS months_since,
       s.cohort_customers,
       count(DISTINCT o.customer_id) AS active_customers,
       count(*) AS orders,
       sum(o.net) AS net_revenue
FROM rapport_valid_orders o
JOIN firsts f USING (customer_id)
JOIN sizes s USING (cohort_month)
GROUP BY ALL
ORDER BY cohort_month, months_since;
