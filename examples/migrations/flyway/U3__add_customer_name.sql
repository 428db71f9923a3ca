DROP VIEW customer_order_counts;
ALTER TABLE customers DROP COLUMN name;
