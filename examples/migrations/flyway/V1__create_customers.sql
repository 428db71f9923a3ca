-- Portable SQL: runs unchanged on PostgreSQL and MySQL/MariaDB.
CREATE TABLE customers (
  id BIGINT NOT NULL PRIMARY KEY,
  email VARCHAR(255) NOT NULL,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT customers_email_key UNIQUE (email)
);
