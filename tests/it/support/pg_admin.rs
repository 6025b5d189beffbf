//! A superuser connection to a test's PostgreSQL database.

use super::db::connect_admin;

/// A superuser connection to a test's PostgreSQL database, for tests that
/// break things on purpose.
pub struct PgAdmin {
    conn: tokio::sync::Mutex<sqlx::PgConnection>,
    database: String,
}

impl PgAdmin {
    pub async fn new(url: &str) -> PgAdmin {
        let database = url.rsplit('/').next().unwrap().to_string();
        PgAdmin { conn: tokio::sync::Mutex::new(connect_admin(url).await), database }
    }

    /// Ends every backend that LISTENs on the database; returns how many.
    pub async fn terminate_listeners(&self) -> i64 {
        let sql = "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
                   WHERE datname = $1 AND query ILIKE 'LISTEN%' AND pid <> pg_backend_pid()";
        let mut conn = self.conn.lock().await;
        sqlx::query_scalar(sql).bind(&self.database).fetch_one(&mut *conn).await.unwrap()
    }

    /// Backends LISTENing on the database now.
    pub async fn listeners(&self) -> i64 {
        let sql = "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND query ILIKE 'LISTEN%'";
        let mut conn = self.conn.lock().await;
        sqlx::query_scalar(sql).bind(&self.database).fetch_one(&mut *conn).await.unwrap()
    }
}
