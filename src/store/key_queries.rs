//! API key SQL. It is the same text on both backends (SQLite accepts `$N`
//! placeholders and row values), so both files use these constants.

/// The columns of an `ApiKey`, with creator and revoker resolved to a
/// member's name or "API key <name>".
const SELECT: &str = "SELECT k.id, k.name, k.prefix, k.last4,
        COALESCE(cu.name, 'API key ' || ck.name, k.created_by) AS created_by,
        k.created_at, k.last_used_at, k.expires_at, k.revoked_at,
        COALESCE(ru.name, 'API key ' || rk.name, k.revoked_by) AS revoked_by
    FROM api_keys k
    LEFT JOIN users cu ON cu.id = k.created_by
    LEFT JOIN api_keys ck ON ck.id = k.created_by
    LEFT JOIN users ru ON ru.id = k.revoked_by
    LEFT JOIN api_keys rk ON rk.id = k.revoked_by";

pub(super) fn by_id() -> String {
    format!("{SELECT} WHERE k.project_id = $1 AND k.id = $2")
}

/// $1 project, $2 include revoked, $3 LIKE pattern or NULL, $4 cursor key id
/// or NULL, $5 limit. Keyset paging on (created_at, id), newest first.
pub(super) fn page() -> String {
    format!(
        "{SELECT}
    WHERE k.project_id = $1
      AND ($2 OR k.revoked_at IS NULL)
      AND ($3 IS NULL OR lower(k.name) LIKE $3 ESCAPE '\\')
      AND ($4 IS NULL OR (k.created_at, k.id) <
           (SELECT c.created_at, c.id FROM api_keys c WHERE c.id = $4 AND c.project_id = $1))
    ORDER BY k.created_at DESC, k.id DESC
    LIMIT $5"
    )
}

pub(super) const INSERT: &str = "INSERT INTO api_keys
    (id, project_id, name, prefix, last4, key_hash, permissions, created_by, created_at, expires_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";

pub(super) const REVOKE: &str = "UPDATE api_keys SET revoked_at = $3, revoked_by = $4
    WHERE project_id = $1 AND id = $2 AND revoked_at IS NULL";
