use crate::domain::Resource;

/// Everything the store can fail with. Callers map `Conflict` and `NotFound`
/// to user-facing messages; the rest are our faults.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A uniqueness rule was broken; the value names the field.
    #[error("{0} is already taken")]
    Conflict(&'static str),
    /// No such row (of the project asked about, for project-scoped ones).
    #[error("no such {}", .0.noun())]
    NotFound(Resource),
    /// An organization rule checked inside the change's transaction refused it.
    #[error("refused: {}", .0.code())]
    Refused(crate::domain::organizations::OrgRefusal),
    /// The change would leave a project without an owner.
    #[error("a project needs at least one owner")]
    LastOwner,
    #[error("DATABASE_URL must start with postgres://, postgresql:// or sqlite:")]
    UnsupportedUrl,
    #[error("database holds an unexpected value: {0}")]
    Corrupt(String),
    /// The database cannot be reached right now; retrying later may work.
    #[error("database unavailable: {0}")]
    Unavailable(sqlx::Error),
    #[error("database error: {0}")]
    Database(sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            // PostgreSQL refuses text with a NUL byte (SQLSTATE 22021). No
            // stored row can hold one, so a lookup by such a value finds
            // nothing; writes refuse control characters before this.
            sqlx::Error::Database(db) if db.code().as_deref() == Some("22021") => {
                StoreError::NotFound(Resource::Record)
            }
            // Connection trouble: no pool connection in time, the socket
            // failed, or the server is shutting down or starting (57P0x,
            // class 08).
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => StoreError::Unavailable(error),
            sqlx::Error::Database(db) if db.code().is_some_and(|c| c.starts_with("57P") || c.starts_with("08")) => {
                StoreError::Unavailable(error)
            }
            _ => StoreError::Database(error),
        }
    }
}

impl StoreError {
    /// Turns a unique-constraint violation into `Conflict(field)`.
    pub(crate) fn unique(field: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
        move |err| match &err {
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(field),
            _ => StoreError::from(err),
        }
    }
}
