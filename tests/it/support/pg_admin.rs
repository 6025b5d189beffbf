//! A superuser connection to a test's PostgreSQL database.

use super::db::{connect_admin, server_url};

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

    /// Lets new connections to the database in, or keeps them out (those
    /// already open go on working). Run from the server's `postgres` database.
    pub async fn allow_connections(&self, allow: bool) {
        let mut admin = connect_admin(&format!("{}/postgres", server_url())).await;
        let sql = format!("ALTER DATABASE {} ALLOW_CONNECTIONS {allow}", self.database);
        sqlx::Executor::execute(&mut admin, sql.as_str()).await.unwrap();
    }

    /// Revokes a key behind every server's back, straight in the table.
    pub async fn revoke_key(&self, key_id: &str) {
        let mut conn = self.conn.lock().await;
        let done = sqlx::query("UPDATE api_keys SET revoked_at = now() WHERE id = $1").bind(key_id).execute(&mut *conn);
        assert_eq!(done.await.unwrap().rows_affected(), 1);
    }

    /// Ends every other connection to the database (the servers' pools and
    /// listeners alike); returns how many.
    pub async fn terminate_connections(&self) -> i64 {
        let sql = "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
                   WHERE datname = $1 AND pid <> pg_backend_pid()";
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
