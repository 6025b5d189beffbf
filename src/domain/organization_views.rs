//! What the dashboard's Organizations and Roles pages show, as their server
//! functions answer it.

use serde::{Deserialize, Serialize};

/// One organization in the list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgRow {
    pub id: String,
    pub name: String,
    pub slug: String,
    pub member_count: i64,
    pub created_at: String,
}

/// A page of the project's organizations, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgListView {
    pub organizations: Vec<OrgRow>,
    /// Pass back as `after` for the next page; `None` on the last.
    pub next_cursor: Option<String>,
    /// Whether the caller may create and change organizations.
    pub can_change: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgMemberRow {
    pub id: String,
    pub user_id: String,
    pub email: String,
    pub name: String,
    /// Role slugs, comma-joined.
    pub role: String,
    pub created_at: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgInvitationRow {
    pub id: String,
    pub email: String,
    pub role: String,
    /// pending, accepted, rejected, canceled or expired.
    pub status: String,
    pub expires_at: String,
    pub created_at: String,
}

/// An organization's page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgDetailView {
    pub id: String,
    pub name: String,
    pub slug: String,
    pub created_at: String,
    pub max_members: Option<i64>,
    pub allowed_email_domains: Vec<String>,
    pub members: Vec<OrgMemberRow>,
    pub member_total: i64,
    pub invitations: Vec<OrgInvitationRow>,
    /// The project's role slugs, for the role pickers.
    pub roles: Vec<String>,
    pub can_change: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleRow {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub permissions: Vec<String>,
    /// `super_admin`: holds everything, cannot change.
    pub fixed: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PermissionRow {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub built_in: bool,
}

/// The Roles page: the project's roles, its permissions, and whether the
/// caller may change them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RolesView {
    pub roles: Vec<RoleRow>,
    pub permissions: Vec<PermissionRow>,
    pub can_change: bool,
}

/// A user's place in one organization, on the user's page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserOrgRow {
    pub organization_id: String,
    pub organization_name: String,
    pub role: String,
}
