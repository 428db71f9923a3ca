// knex reads the connection dbtk exports: DATABASE_URL on PostgreSQL, MYSQL_* on MariaDB (`--engine mysql`).
const e = process.env;
module.exports = e.MYSQL_HOST
  ? { client: "mysql2", connection: { host: e.MYSQL_HOST, port: Number(e.MYSQL_PORT), user: e.MYSQL_USER, password: e.MYSQL_PASSWORD, database: e.MYSQL_DATABASE } }
  : { client: "pg", connection: e.DATABASE_URL };
