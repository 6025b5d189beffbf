//! Rows of projects and their Authentication settings.

#[allow(unused_imports)]
use super::*;

#[derive(sqlx::FromRow)]
pub(in crate::store) struct SummaryRow {
    pub(in crate::store) project_id: String,
    pub(in crate::store) name: String,
    pub(in crate::store) slug: String,
    pub(in crate::store) role: String,
    pub(in crate::store) key_count: i64,
}

impl TryFrom<SummaryRow> for ProjectSummary {
    type Error = StoreError;
    fn try_from(row: SummaryRow) -> Result<Self, StoreError> {
        Ok(ProjectSummary {
            project: Membership {
                project_id: row.project_id,
                name: row.name,
                slug: row.slug,
                role: role_column(&row.role)?,
            },
            key_count: row.key_count,
        })
    }
}

/// The settings from their columns. Out-of-range numbers are corrupt, never
/// clamped quietly.
impl TryFrom<AuthColumns> for AuthSettings {
    type Error = StoreError;

    fn try_from(row: AuthColumns) -> Result<Self, StoreError> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("project auth setting {what}"));
        Ok(AuthSettings {
            sign_ups_open: row.auth_sign_ups_open,
            password_min: u32::try_from(row.auth_password_min).map_err(|_| corrupt("password_min"))?,
            require_email_verification: row.auth_require_email_verification,
            session_days: u32::try_from(row.auth_session_days).map_err(|_| corrupt("session_days"))?,
            allowed_origins: serde_json::from_str(&row.auth_allowed_origins).map_err(|_| corrupt("allowed_origins"))?,
            mail_sender_name: row.auth_mail_sender_name,
            mail_link_origin: row.auth_mail_link_origin,
            sign_ups_per_hour: u32::try_from(row.auth_sign_ups_per_hour).map_err(|_| corrupt("sign_ups_per_hour"))?,
            org_creation_open: row.auth_org_creation_open,
            org_invitation_path: row.auth_org_invitation_path,
        })
    }
}
