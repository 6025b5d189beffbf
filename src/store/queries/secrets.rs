//! Signing material every instance shares: server secrets, and each
//! project's JWT signing keys (the current one, and those it replaced,
//! published for a while after).

pub(in crate::store) const INSERT_SECRET: &str =
    "INSERT INTO server_secrets (name, value, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING";

pub(in crate::store) const SECRET: &str = "SELECT value FROM server_secrets WHERE name = $1";

/// The current key and those retired at or after $2, newest first.
pub(in crate::store) const JWT_PUBLISHED: &str = "SELECT kid, private_pem, created_at, retired_at FROM jwt_signing_keys
    WHERE project_id = $1 AND (retired_at IS NULL OR retired_at >= $2)
    ORDER BY created_at DESC, kid DESC";

pub(in crate::store) const JWT_HAS_CURRENT: &str =
    "SELECT count(*) FROM jwt_signing_keys WHERE project_id = $1 AND retired_at IS NULL";

pub(in crate::store) const JWT_RETIRE_CURRENT: &str =
    "UPDATE jwt_signing_keys SET retired_at = $2 WHERE project_id = $1 AND retired_at IS NULL";

pub(in crate::store) const JWT_INSERT: &str =
    "INSERT INTO jwt_signing_keys (kid, project_id, private_pem, created_at) VALUES ($1, $2, $3, $4)";

/// Retired keys beyond the newest $2 of the project.
pub(in crate::store) const JWT_PRUNE: &str =
    "DELETE FROM jwt_signing_keys WHERE project_id = $1 AND retired_at IS NOT NULL
    AND kid NOT IN (SELECT kid FROM jwt_signing_keys WHERE project_id = $1 AND retired_at IS NOT NULL
        ORDER BY retired_at DESC, kid DESC LIMIT $2)";
