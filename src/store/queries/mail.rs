//! The outbox and the single-use tokens mails' links carry.

pub(in crate::store) const INSERT_TOKEN: &str = "INSERT INTO mail_tokens
    (id, purpose, token_hash, subject_id, project_id, email, created_at, expires_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

pub(in crate::store) const INSERT_MAIL: &str = "INSERT INTO outbox
    (id, project_id, kind, recipient, token_id, data, next_attempt_at, created_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $7)";

/// Takes up to $3 due mails ($1 = now) and leases them until $2, counting
/// the try. `lock` is PostgreSQL's `FOR UPDATE SKIP LOCKED`: two workers
/// never take one mail; SQLite has one writer at a time anyway.
pub(in crate::store) fn claim(lock: &str) -> String {
    format!(
        "UPDATE outbox SET next_attempt_at = $2, attempts = attempts + 1
        WHERE id IN (SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= $1
            ORDER BY next_attempt_at LIMIT $3 {lock})
        RETURNING id, kind, recipient, token_id, data, attempts"
    )
}

/// Gives a claimed mail's token its hash, unless it was used or withdrawn
/// meanwhile (an invitation accepted through its copied link, say).
pub(in crate::store) const ARM_TOKEN: &str =
    "UPDATE mail_tokens SET token_hash = $2 WHERE id = $1 AND used_at IS NULL AND expires_at > $3";

/// The outcomes of try $2 of a mail: a worker whose lease ran out (another
/// took the mail and counted a new try) changes nothing.
pub(in crate::store) const SENT: &str = "UPDATE outbox SET status = 'sent', sent_at = $3, last_error = NULL
    WHERE id = $1 AND attempts = $2 AND status = 'pending'";

pub(in crate::store) const RETRY: &str = "UPDATE outbox SET next_attempt_at = $3, last_error = $4
    WHERE id = $1 AND attempts = $2 AND status = 'pending'";

pub(in crate::store) const FAILED: &str = "UPDATE outbox SET status = 'failed', last_error = $3
    WHERE id = $1 AND attempts = $2 AND status = 'pending'";

/// Mail and tokens older than $1 (a month): delivered or not, done with.
/// A token of mail still to send stays (deleting it would cascade to the mail).
pub(in crate::store) const SWEEP_TOKENS: &str = "DELETE FROM mail_tokens WHERE expires_at < $1
    AND id NOT IN (SELECT token_id FROM outbox WHERE status = 'pending' AND token_id IS NOT NULL)";

pub(in crate::store) const SWEEP_MAIL: &str = "DELETE FROM outbox WHERE created_at < $1 AND status <> 'pending'";

/// A subject's links that stop working: its invitation was accepted or
/// withdrawn, its user deleted. Their unsent mail is then given up on.
pub(in crate::store) const RETIRE_SUBJECT: &str =
    "UPDATE mail_tokens SET used_at = $2 WHERE subject_id = $1 AND used_at IS NULL";

pub(in crate::store) const RECENT: &str =
    "SELECT id, kind, recipient, status, attempts, created_at, sent_at, last_error
    FROM outbox WHERE project_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2";

pub(in crate::store) const TOKEN_BY_HASH: &str =
    "SELECT id, purpose, subject_id, project_id, email, expires_at, used_at FROM mail_tokens WHERE token_hash = $1";

/// Uses a token once: of two uses, one gets the row.
pub(in crate::store) const USE_TOKEN: &str = "UPDATE mail_tokens SET used_at = $3
    WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3
    RETURNING id, purpose, subject_id, project_id, email, expires_at, used_at";

/// Tokens made for a subject and purpose since $3: the limit on requests.
pub(in crate::store) const COUNT_RECENT_TOKENS: &str =
    "SELECT COUNT(*) FROM mail_tokens WHERE subject_id = $1 AND purpose = $2 AND created_at > $3";

/// A reset or verification made unneeded: the older links stop working.
pub(in crate::store) const RETIRE_TOKENS: &str =
    "UPDATE mail_tokens SET used_at = $3 WHERE subject_id = $1 AND purpose = $2 AND used_at IS NULL";
