//! Invitations to a project; a token is stored only as its hash.

pub(in crate::store) const INSERT: &str =
    "INSERT INTO invitations (id, project_id, email, role, token_hash, invited_by, created_at, expires_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

pub(in crate::store) const PENDING: &str = "SELECT i.id, i.email, i.role, u.name AS invited_by, i.expires_at
    FROM invitations i JOIN users u ON u.id = i.invited_by
    WHERE i.project_id = $1 AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > $2
    ORDER BY i.created_at DESC";

pub(in crate::store) const REVOKE: &str = "UPDATE invitations SET revoked_at = $3
    WHERE id = $2 AND project_id = $1 AND accepted_at IS NULL AND revoked_at IS NULL
    RETURNING email, role";

pub(in crate::store) const BY_TOKEN: &str =
    "SELECT i.id, i.project_id, p.name AS project_name, i.email, i.role, i.expires_at, i.accepted_at, i.revoked_at
    FROM invitations i JOIN projects p ON p.id = i.project_id
    WHERE i.token_hash = $1
        OR i.id = (SELECT subject_id FROM mail_tokens WHERE token_hash = $1 AND purpose = 'invitation')";

pub(in crate::store) const CLAIM: &str = "UPDATE invitations SET accepted_at = $3, accepted_by = $2
    WHERE id = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $3
    RETURNING project_id, role, email";
