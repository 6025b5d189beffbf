//! Persistence. `Store` is the only door to the database: SQL lives in this
//! module's backend files and nowhere else.

mod error;
mod postgres;
mod sessions;
mod sqlite;

pub use error::StoreError;
pub use sessions::SessionBackend;

use crate::domain::{Membership, Role, User};
use async_trait::async_trait;
use std::sync::Arc;
use time::OffsetDateTime;

/// A user about to be written, password already hashed.
#[derive(Clone, Debug)]
pub struct NewUser {
    pub id: String,
    pub name: String,
    /// Lower-cased by the caller.
    pub email: String,
    pub password_hash: String,
    pub created_at: OffsetDateTime,
}

/// What sign-in needs to check a password.
#[derive(Clone, Debug)]
pub struct Credentials {
    pub user: User,
    pub password_hash: String,
}

/// A project about to be written, with the user who becomes its owner.
#[derive(Clone, Debug)]
pub struct NewProject {
    pub id: String,
    pub name: String,
    pub slug: String,
    pub owner_id: String,
    pub created_at: OffsetDateTime,
}

/// Which database a store talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

#[async_trait]
pub trait Store: Send + Sync + 'static {
    fn backend(&self) -> Backend;

    /// The tower-sessions store on the same database.
    fn sessions(&self) -> SessionBackend;

    /// Cheap round trip, for readiness checks.
    async fn ping(&self) -> Result<(), StoreError>;

    /// Fails with `Conflict("email")` when the email is taken (any case).
    async fn insert_user(&self, user: &NewUser) -> Result<User, StoreError>;

    async fn user_by_id(&self, id: &str) -> Result<Option<User>, StoreError>;

    /// Looks the email up case-insensitively.
    async fn credentials_by_email(&self, email: &str) -> Result<Option<Credentials>, StoreError>;

    /// Writes the project and its owner's membership in one transaction.
    /// Fails with `Conflict("slug")` when the slug is taken.
    async fn insert_project(&self, project: &NewProject) -> Result<Membership, StoreError>;

    /// The user's projects, oldest membership first.
    async fn memberships(&self, user_id: &str) -> Result<Vec<Membership>, StoreError>;
}

/// Opens the database named by `url` (`postgres://…` or `sqlite:…`), applies
/// the migrations, and returns the store.
pub async fn connect(url: &str) -> Result<Arc<dyn Store>, StoreError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(postgres::PgStore::connect(url).await?))
    } else if url.starts_with("sqlite:") {
        Ok(Arc::new(sqlite::SqliteStore::connect(url).await?))
    } else {
        Err(StoreError::UnsupportedUrl)
    }
}

/// Parses a role column; the CHECK constraint keeps it to known values.
fn role_column(value: &str) -> Result<Role, StoreError> {
    Role::parse(value).ok_or_else(|| StoreError::Corrupt(format!("unknown role {value:?}")))
}

/// One row of the memberships query, shared by both backends.
#[derive(sqlx::FromRow)]
struct MembershipRow {
    project_id: String,
    name: String,
    slug: String,
    role: String,
}

impl TryFrom<MembershipRow> for Membership {
    type Error = StoreError;
    fn try_from(row: MembershipRow) -> Result<Self, StoreError> {
        Ok(Membership {
            project_id: row.project_id,
            name: row.name,
            slug: row.slug,
            role: role_column(&row.role)?,
        })
    }
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: String,
    name: String,
    email: String,
}

impl From<UserRow> for User {
    fn from(row: UserRow) -> Self {
        User {
            id: row.id,
            name: row.name,
            email: row.email,
        }
    }
}

#[derive(sqlx::FromRow)]
struct CredentialsRow {
    id: String,
    name: String,
    email: String,
    password_hash: String,
}

impl From<CredentialsRow> for Credentials {
    fn from(row: CredentialsRow) -> Self {
        Credentials {
            user: User {
                id: row.id,
                name: row.name,
                email: row.email,
            },
            password_hash: row.password_hash,
        }
    }
}
