//! What caches must hear of when any instance changes something.

/// A change made anywhere that the key, session and signing-key caches
/// must hear of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CacheChange {
    /// The key with this SHA-256 hash was revoked, changed or deleted.
    Hash(String),
    /// The project with this id was renamed, moved or deleted: its keys
    /// carry its old name and slug, or must stop working.
    Project(String),
    /// The end-user session with this token hash ended.
    Session(String),
    /// The end user with this id changed (banned, renamed) or was deleted.
    EndUser(String),
    /// The project with this id changed its organization roles.
    Roles(String),
    /// The project with this id has a new JWT signing key.
    JwtKeys(String),
    /// Anything may have changed (notices were missed).
    All,
}
