//! Types shared by the server and the browser. Nothing secret lives here:
//! no password hashes, no key hashes, no full keys.

mod audit;
#[cfg(feature = "ssr")]
pub mod audit_text;
mod auth_settings;
pub mod dates;
mod end_users;
pub mod events;
pub mod form_errors;
pub mod mail;
pub mod organization_views;
pub mod organizations;
mod permissions;
#[cfg(feature = "ssr")]
pub mod rules;
mod validate;
pub mod webhooks;

pub use audit::{describe_device, ActorKind, AuditAction, AuditActor, AuditEvent, AuditPage};
pub use auth_settings::{
    AuthSettings, ORIGINS_MAX, PASSWORD_MIN_RANGE, SENDER_NAME_MAX, SESSION_DAYS_RANGE, SIGN_UPS_PER_HOUR_RANGE,
};
#[cfg(feature = "ssr")]
pub use end_users::ban_in_force;
pub use end_users::{
    check_end_user_password, check_image, EndUserDetail, EndUserPage, EndUserSessionView, EndUserStatus,
    EndUserSummary, ACTIVITY_DAYS, END_USER_PASSWORD_MAX, IMAGE_URL_MAX,
};
pub use events::EventType;
pub use mail::{Delivery, DeliveryPage, DeliveryStatus, MailKind};
pub use permissions::{key_grants, Permission};

pub use validate::{
    normalize_email, percent_encode, safe_next, url_origin, validate_name, validate_password, validate_slug,
    FieldError, ACCOUNT_PASSWORD_MAX, ACCOUNT_PASSWORD_MIN,
};

use serde::{Deserialize, Serialize};

/// The signed-in user, as the dashboard shows them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: String,
    pub name: String,
    pub email: String,
}

/// A member's role in a project, from most to least powerful.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Owner,
    Developer,
    Viewer,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Developer => "developer",
            Role::Viewer => "viewer",
        }
    }

    /// Whether this role may do what `needed` may do.
    pub fn allows(self, needed: Role) -> bool {
        self.rank() >= needed.rank()
    }

    fn rank(self) -> u8 {
        match self {
            Role::Owner => 3,
            Role::Developer => 2,
            Role::Viewer => 1,
        }
    }

    pub const ALL: [Role; 3] = [Role::Owner, Role::Developer, Role::Viewer];

    pub fn parse(value: &str) -> Option<Role> {
        match value {
            "owner" => Some(Role::Owner),
            "developer" => Some(Role::Developer),
            "viewer" => Some(Role::Viewer),
            _ => None,
        }
    }

    /// Display label with a capital letter, for badges.
    pub fn label(self) -> &'static str {
        match self {
            Role::Owner => "Owner",
            Role::Developer => "Developer",
            Role::Viewer => "Viewer",
        }
    }
}

/// A project together with the caller's role in it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    pub project_id: String,
    pub name: String,
    pub slug: String,
    pub role: Role,
}

/// Who is signed in, with the projects they belong to: what the dashboard
/// shell draws its top bar from. (Not `Role::Viewer`, a role in a project.)
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedInUser {
    pub user: User,
    pub projects: Vec<Membership>,
    /// Mail is on and their address is not verified yet: the banner shows.
    #[serde(default)]
    pub needs_verification: bool,
}

/// A row of the projects page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectSummary {
    pub project: Membership,
    /// Active (unrevoked) keys.
    pub key_count: i64,
}

/// A member of a project, as the members page lists them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub user_id: String,
    pub name: String,
    pub email: String,
    pub role: Role,
    /// RFC 3339, UTC.
    pub joined_at: String,
}

/// An invitation that has not been accepted, revoked or let expire.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingInvitation {
    pub id: String,
    pub email: String,
    pub role: Role,
    pub invited_by: String,
    /// RFC 3339, UTC.
    pub expires_at: String,
}

/// An invitation made for a teammate: the link to send them, shown once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationCreated {
    pub email: String,
    pub link: String,
    /// Whether it was also mailed to them.
    #[serde(default)]
    pub mailed: bool,
}

/// What the invitation page shows before the invitee accepts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationView {
    pub project_name: String,
    pub role: Role,
    pub email: String,
    /// The signed-in user's email, if anyone is signed in.
    pub signed_in_as: Option<String>,
}

/// What a request names by id, so that "not found" can say what it looked
/// for (and never that it exists elsewhere).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Resource {
    Account,
    Project,
    Member,
    Invitation,
    Key,
    User,
    Session,
    Mail,
    /// A project's organizations, their members and invitations, and the
    /// roles and permissions of its organizations.
    Organization,
    OrgMember,
    OrgInvitation,
    Role,
    Permission,
    /// A project's events, webhook endpoints and their deliveries, and
    /// audit log records.
    Event,
    Webhook,
    Delivery,
    AuditRecord,
    /// Something looked up by a value no row can hold.
    Record,
}

impl Resource {
    pub fn noun(self) -> &'static str {
        match self {
            Resource::Account => "account",
            Resource::Project => "project",
            Resource::Member => "member",
            Resource::Invitation => "invitation",
            Resource::Key => "key",
            Resource::User => "user",
            Resource::Session => "session",
            Resource::Mail => "mail",
            Resource::Organization => "organization",
            Resource::OrgMember => "member",
            Resource::OrgInvitation => "invitation",
            Resource::Role => "role",
            Resource::Permission => "permission",
            Resource::Event => "event",
            Resource::Webhook => "webhook endpoint",
            Resource::Delivery => "delivery",
            Resource::AuditRecord => "audit log record",
            Resource::Record => "record",
        }
    }
}

/// The one narrower right a key may have: list the project's keys and ask
/// who it is, never change anything. No permissions (`[]`) is full access.
pub const READ_KEYS: &str = "api_keys:read";

/// Every permission string a key may carry.
pub const KNOWN_PERMISSIONS: [&str; 1] = [READ_KEYS];

/// Whether a key with these permissions may create, revoke and roll keys.
pub fn may_change_keys(permissions: &[String]) -> bool {
    permissions.is_empty()
}

/// Days of usage the dashboard charts.
pub const USAGE_DAYS: usize = 30;

/// Keys expiring within this many seconds (a week) are flagged.
pub const EXPIRY_WARNING_SECONDS: i64 = 7 * 24 * 3600;

/// Where a key stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum KeyStatus {
    Active,
    Expired,
    Revoked,
}

/// An API key as lists show it: never the secret, never its hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKey {
    pub id: String,
    pub name: String,
    /// `sk_live_` + the first 4 random characters.
    pub prefix: String,
    pub last4: String,
    /// What the key may do; empty means everything.
    pub permissions: Vec<String>,
    /// Who created it: a member's name, or "API key <name>".
    pub created_by: String,
    /// RFC 3339, UTC, like every time below.
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub expires_at: Option<String>,
    pub revoked_at: Option<String>,
    pub revoked_by: Option<String>,
    /// The id of the key that replaced this one (it was rolled).
    pub replaced_by: Option<String>,
    /// The id of the key this one replaced.
    pub replaces: Option<String>,
    pub status: KeyStatus,
    /// Seconds until an active key expires, as of this answer.
    pub expires_in: Option<i64>,
    /// Requests per UTC day over the last `USAGE_DAYS` days, oldest first;
    /// filled where a chart is shown, else empty.
    #[serde(default)]
    pub daily_requests: Vec<i64>,
}

impl ApiKey {
    pub fn read_only(&self) -> bool {
        !may_change_keys(&self.permissions)
    }

    /// Whether it expires within a week: worth a warning.
    pub fn expires_soon(&self) -> bool {
        self.expires_in.is_some_and(|s| s <= EXPIRY_WARNING_SECONDS)
    }

    /// `sk_live_Ab3x…9fQz`.
    pub fn masked(&self) -> String {
        format!("{}…{}", self.prefix, self.last4)
    }
}

/// What "Test a key" found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum KeyVerdict {
    /// It works, for the named project.
    Valid,
    /// It works until its grace period ends: it was rolled.
    Replaced,
    Revoked,
    Expired,
    /// Not shaped like a Banata key at all (a typo, a truncated paste).
    Malformed,
    /// No key of a project the user belongs to.
    NotVisible,
}

/// The answer of "Test a key": the verdict, and for a key of one of the
/// user's projects which key and project it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyCheck {
    pub verdict: KeyVerdict,
    pub key_id: Option<String>,
    pub key_name: Option<String>,
    pub project_name: Option<String>,
    pub project_slug: Option<String>,
}

/// A key's own page: the key with its usage, and what happened to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyDetail {
    pub key: ApiKey,
    /// Newest first; empty for viewers, who may not read the audit log.
    pub events: Vec<AuditEvent>,
}

/// One page of a project's keys, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyPage {
    pub keys: Vec<ApiKey>,
    /// Pass back to get the next page; `None` on the last one.
    pub next_cursor: Option<String>,
}

/// A key just created: the only value that ever carries the secret.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedKey {
    pub key: ApiKey,
    pub secret: String,
    /// This server's URL, for the app's `BANATA_AUTH_URL` beside the key
    /// (filled in by the dashboard, which knows how it was reached).
    #[serde(default)]
    pub auth_url: String,
}

impl std::fmt::Debug for CreatedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedKey").field("key", &self.key).finish_non_exhaustive()
    }
}

/// One browser the user is signed in on, as the sessions page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    /// `ses_…`: names the session; not a credential.
    pub id: String,
    /// "Chrome on macOS".
    pub device: String,
    pub ip: Option<String>,
    /// RFC 3339, UTC.
    pub signed_in_at: String,
    pub last_seen_at: String,
    /// The browser asking.
    pub current: bool,
}
