//! SQL for a project's end users and their counted activity.

const USER_COLUMNS: &str = "id, project_id, email, name, image, email_verified, banned, ban_reason, ban_expires,
    role, metadata, created_at, updated_at, last_sign_in_at";

pub(in crate::store) const INSERT_USER: &str = "INSERT INTO end_users
    (id, project_id, email, name, image, password_hash, email_verified, created_at, updated_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)";

pub(in crate::store) fn user_by_id() -> String {
    format!("SELECT {USER_COLUMNS} FROM end_users WHERE project_id = $1 AND id = $2")
}

pub(in crate::store) fn credentials() -> String {
    format!("SELECT {USER_COLUMNS}, password_hash FROM end_users WHERE project_id = $1 AND email = $2")
}

/// A page of a project's users, newest first, optionally those whose email
/// or name contains the pattern ($2, a LIKE pattern; `%` for all).
pub(in crate::store) fn page(limit: u32, offset: u32) -> String {
    format!(
        "SELECT {USER_COLUMNS} FROM end_users WHERE project_id = $1 AND (email LIKE $2 ESCAPE '\\' OR lower(name) LIKE $2 ESCAPE '\\')
        ORDER BY created_at DESC, id DESC LIMIT {limit} OFFSET {offset}"
    )
}

/// The dashboard's page: newest first, `limit` rows. With `search`, users
/// whose email or lower-cased name starts with $2 (up to $3, the prefix and
/// the highest character: a range each index answers); with `after`, those
/// after the cursor (created, id), a row-value range the (project, created,
/// id) index walks from the cursor, however deep. `byte_order` is the
/// backend's collation clause for the ranges. Binds: project, [from, to],
/// [created, id].
pub(in crate::store) fn page_after(limit: u32, search: bool, after: bool, byte_order: &str) -> String {
    let mut next = 2;
    let mut param = || {
        next += 1;
        format!("${}", next - 1)
    };
    let matching = match search {
        true => {
            let (from, to) = (param(), param());
            format!(
                "AND ((email {byte_order} >= {from} AND email {byte_order} < {to})
                OR (lower(name) {byte_order} >= {from} AND lower(name) {byte_order} < {to}))"
            )
        }
        false => String::new(),
    };
    let cursor = match after {
        true => format!("AND (created_at, id) < ({}, {})", param(), param()),
        false => String::new(),
    };
    format!(
        "SELECT {USER_COLUMNS} FROM end_users WHERE project_id = $1 {matching} {cursor}
        ORDER BY created_at DESC, id DESC LIMIT {limit}"
    )
}

pub(in crate::store) const COUNT: &str = "SELECT count(*) FROM end_users
    WHERE project_id = $1 AND (email LIKE $2 ESCAPE '\\' OR lower(name) LIKE $2 ESCAPE '\\')";

pub(in crate::store) const DELETE_USER: &str = "DELETE FROM end_users WHERE project_id = $1 AND id = $2";

pub(in crate::store) const SET_BAN: &str = "UPDATE end_users
    SET banned = $3, ban_reason = $4, ban_expires = $5, updated_at = $6 WHERE project_id = $1 AND id = $2";

/// Changes to a user; each `None` keeps the value.
/// Binds: project, id, name, image, whether to change the image,
/// email_verified, role, metadata, time.
pub(in crate::store) const UPDATE_USER: &str = "UPDATE end_users
    SET name = COALESCE($3, name), image = CASE WHEN $5 THEN $4 ELSE image END,
        email_verified = COALESCE($6, email_verified), role = COALESCE($7, role),
        metadata = COALESCE($8, metadata), updated_at = $9
    WHERE project_id = $1 AND id = $2";

pub(in crate::store) const SET_PASSWORD: &str =
    "UPDATE end_users SET password_hash = $3, updated_at = $4 WHERE project_id = $1 AND id = $2";

/// A sign-in: the user's last sign-in moves to the session's start.
pub(in crate::store) const SIGNED_IN: &str = "UPDATE end_users SET last_sign_in_at = $2 WHERE id = $1";

/// The email of a project's user, for the audit record of a change.
pub(in crate::store) const EMAIL: &str = "SELECT email FROM end_users WHERE project_id = $1 AND id = $2";

/// Adds a day's sign-ins ($3) and sign-ups ($4) of a project that still exists.
pub(in crate::store) const COUNT_ACTIVITY: &str = "INSERT INTO end_user_activity (project_id, day, sign_ins, sign_ups)
    SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM projects WHERE id = $1)
    ON CONFLICT (project_id, day) DO UPDATE SET sign_ins = end_user_activity.sign_ins + excluded.sign_ins,
        sign_ups = end_user_activity.sign_ups + excluded.sign_ups";

pub(in crate::store) const ACTIVITY: &str = "SELECT project_id, day, sign_ins, sign_ups FROM end_user_activity
    WHERE project_id = $1 AND day >= $2 ORDER BY day";

pub(in crate::store) const END_USER_VERIFIED: &str = "UPDATE end_users SET email_verified = TRUE, updated_at = $4
    WHERE project_id = $1 AND id = $2 AND email = $3 AND NOT email_verified";
