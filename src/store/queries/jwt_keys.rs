//! Each project's JWT signing keys: the current one (no `retired_at`) and
//! those it replaced, published for a while after.

/// The current key and those retired at or after $2, newest first.
pub(in crate::store) const PUBLISHED: &str = "SELECT kid, private_pem, created_at, retired_at FROM jwt_signing_keys
    WHERE project_id = $1 AND (retired_at IS NULL OR retired_at >= $2)
    ORDER BY created_at DESC, kid DESC";

pub(in crate::store) const HAS_CURRENT: &str =
    "SELECT count(*) FROM jwt_signing_keys WHERE project_id = $1 AND retired_at IS NULL";

pub(in crate::store) const RETIRE_CURRENT: &str =
    "UPDATE jwt_signing_keys SET retired_at = $2 WHERE project_id = $1 AND retired_at IS NULL";

pub(in crate::store) const INSERT: &str =
    "INSERT INTO jwt_signing_keys (kid, project_id, private_pem, created_at) VALUES ($1, $2, $3, $4)";

/// Retired keys beyond the newest $2 of the project.
pub(in crate::store) const PRUNE: &str = "DELETE FROM jwt_signing_keys WHERE project_id = $1 AND retired_at IS NOT NULL
    AND kid NOT IN (SELECT kid FROM jwt_signing_keys WHERE project_id = $1 AND retired_at IS NOT NULL
        ORDER BY retired_at DESC, kid DESC LIMIT $2)";
