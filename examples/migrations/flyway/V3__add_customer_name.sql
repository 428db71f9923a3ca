ALTER TABLE customers ADD COLUMN name VARCHAR(100);
CREATE VIEW customer_order_counts AS
  SELECT c.id AS customer_id, COUNT(o.id) AS order_count
  FROM customers c LEFT JOIN orders o ON o.customer_id = c.id
  GROUP BY c.id;
