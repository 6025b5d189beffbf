//! API key SQL. It is the same text on both backends (SQLite accepts `$N`
//! placeholders and row values), so both files use these constants.

/// The columns of an `ApiKey`, with creator and revoker resolved to a
/// member's name or "API key <name>".
const COLUMNS: &str = "SELECT k.id, k.name, k.prefix, k.last4, k.permissions,
        COALESCE(cu.name, 'API key ' || ck.name, k.created_by) AS created_by,
        k.created_at, k.last_used_at, k.expires_at, k.revoked_at,
        COALESCE(ru.name, 'API key ' || rk.name, k.revoked_by) AS revoked_by, k.replaced_by, k.replaces";

/// Resolves the creator and revoker of the keys in `k`.
const JOINS: &str = "LEFT JOIN users cu ON cu.id = k.created_by
    LEFT JOIN api_keys ck ON ck.id = k.created_by
    LEFT JOIN users ru ON ru.id = k.revoked_by
    LEFT JOIN api_keys rk ON rk.id = k.revoked_by";

pub(in crate::store) fn by_id() -> String {
    format!("{COLUMNS} FROM api_keys k {JOINS} WHERE k.project_id = $1 AND k.id = $2")
}

/// A page of a project's keys, newest first, keyset-paged on (created_at, id).
/// The page is chosen first and only its rows are joined, so the cost stays
/// that of one page however many keys the project has (even before the
/// planner has statistics). Only the filters in use are in the text.
/// Binds, in order: project, then the search pattern and the cursor key id
/// when present.
pub(in crate::store) fn page(query: &crate::store::KeyQuery) -> String {
    let mut sql = String::from("SELECT * FROM api_keys k WHERE k.project_id = $1");
    let mut n = 1;
    if !query.include_revoked {
        sql.push_str(" AND k.revoked_at IS NULL");
    }
    if query.search.is_some() {
        n += 1;
        sql.push_str(&format!(" AND lower(k.name) LIKE ${n} ESCAPE '\\'"));
    }
    if query.after.is_some() {
        n += 1;
        sql.push_str(&format!(
            " AND (k.created_at, k.id) < (SELECT c.created_at, c.id FROM api_keys c WHERE c.id = ${n} AND c.project_id = $1)"
        ));
    }
    // The limit is ours (a number), written into the text so that a cached
    // generic plan still knows it and walks the index rather than sorting.
    sql.push_str(&format!(" ORDER BY k.created_at DESC, k.id DESC LIMIT {}", query.limit));
    format!("{COLUMNS} FROM ({sql}) k {JOINS} ORDER BY k.created_at DESC, k.id DESC")
}

pub(in crate::store) const INSERT: &str = "INSERT INTO api_keys
    (id, project_id, name, prefix, last4, key_hash, permissions, created_by, created_at, expires_at, replaces)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";

/// Marks a working key as replaced (the first of two concurrent rolls wins)
/// and reads what its replacement copies.
pub(in crate::store) const CLAIM_FOR_ROLL: &str = "UPDATE api_keys SET replaced_by = $3
    WHERE project_id = $1 AND id = $2 AND revoked_at IS NULL AND replaced_by IS NULL
      AND (expires_at IS NULL OR expires_at > $4)
    RETURNING name, permissions, created_at, expires_at";

/// Ends a key's life at $2, unless it ends sooner anyway.
pub(in crate::store) const SHORTEN: &str = "UPDATE api_keys SET expires_at = $2
    WHERE id = $1 AND (expires_at IS NULL OR expires_at > $2)";

pub(in crate::store) const REVOKE: &str = "UPDATE api_keys SET revoked_at = $3, revoked_by = $4
    WHERE project_id = $1 AND id = $2 AND revoked_at IS NULL
    RETURNING name";

/// A key and its project by hash, for verification.
pub(in crate::store) const BY_HASH: &str = "SELECT k.id, k.name, k.prefix, k.project_id, p.name AS project_name,
        p.slug AS project_slug, k.permissions, k.expires_at, k.revoked_at, p.auth_sign_ups_open,
        p.auth_password_min, p.auth_require_email_verification, p.auth_session_days, p.auth_allowed_origins,
        p.auth_mail_sender_name, p.auth_mail_link_origin, p.auth_sign_ups_per_hour, p.auth_org_creation_open,
        p.auth_org_invitation_path
    FROM api_keys k JOIN projects p ON p.id = k.project_id
    WHERE k.key_hash = $1";

/// Adds a day's requests of a key that still exists.
pub(in crate::store) const COUNT_REQUESTS: &str = "INSERT INTO api_key_usage (key_id, day, requests)
    SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM api_keys WHERE id = $1)
    ON CONFLICT (key_id, day) DO UPDATE SET requests = api_key_usage.requests + excluded.requests";

/// Requests per day of `n` keys ($2…) from day $1 on.
pub(in crate::store) fn usage(n: usize) -> String {
    let ids: Vec<String> = (2..n + 2).map(|i| format!("${i}")).collect();
    format!(
        "SELECT key_id, day, requests FROM api_key_usage WHERE day >= $1 AND key_id IN ({}) ORDER BY key_id, day",
        ids.join(", ")
    )
}

/// Moves `last_used_at` forward only.
pub(in crate::store) const RECORD_USE: &str = "UPDATE api_keys SET last_used_at = $2
    WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2)";

pub(in crate::store) const ACTIVE_NAME: &str =
    "SELECT name FROM api_keys WHERE project_id = $1 AND id = $2 AND revoked_at IS NULL";

pub(in crate::store) const RENAME: &str = "UPDATE api_keys SET name = $2 WHERE id = $1";

/// Keys that work at $2 (not revoked, not expired).
pub(in crate::store) const COUNT_ACTIVE: &str = "SELECT count(*) FROM api_keys
    WHERE project_id = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)";

pub(in crate::store) const COUNT_EXPIRING: &str = "SELECT count(*) FROM api_keys
    WHERE project_id = $1 AND revoked_at IS NULL AND expires_at > $2 AND expires_at <= $3";
