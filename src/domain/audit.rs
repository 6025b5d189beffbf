//! The audit log as the dashboard and its exports show it.

use serde::{Deserialize, Serialize};

/// What happened. The wire names (`as_str`) are stored and exported; they
/// never change once released.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AuditAction {
    KeyCreated,
    KeyRevoked,
    KeyRolled,
    KeyRenamed,
    /// Written when an owner could add an account directly; kept so that
    /// those events still read. Members now join by invitation only.
    MemberAdded,
    MemberRoleChanged,
    MemberRemoved,
    InvitationCreated,
    InvitationAccepted,
    InvitationRevoked,
    ProjectRenamed,
    ProjectUrlChanged,
    ProjectDeleted,
    ProjectAuthSettingsChanged,
    EndUserCreated,
    EndUserUpdated,
    EndUserPasswordChanged,
    EndUserBanned,
    EndUserUnbanned,
    EndUserSessionsRevoked,
    EndUserDeleted,
    OrganizationCreated,
    OrganizationUpdated,
    OrganizationDeleted,
    OrgMemberAdded,
    OrgMemberRoleUpdated,
    OrgMemberRemoved,
    OrgInvitationCreated,
    OrgInvitationAccepted,
    OrgInvitationRejected,
    OrgInvitationRevoked,
    RoleCreated,
    RoleUpdated,
    RoleDeleted,
    PermissionCreated,
    PermissionUpdated,
    PermissionDeleted,
    /// Written by the app through the audit logs API, under its own action
    /// name (`AuditEvent::action_name`); not one of ours, so not in `ALL`.
    AppRecorded,
}

impl AuditAction {
    pub const ALL: [AuditAction; 37] = [
        AuditAction::KeyCreated,
        AuditAction::KeyRevoked,
        AuditAction::KeyRolled,
        AuditAction::KeyRenamed,
        AuditAction::MemberAdded,
        AuditAction::MemberRoleChanged,
        AuditAction::MemberRemoved,
        AuditAction::InvitationCreated,
        AuditAction::InvitationAccepted,
        AuditAction::InvitationRevoked,
        AuditAction::ProjectRenamed,
        AuditAction::ProjectUrlChanged,
        AuditAction::ProjectDeleted,
        AuditAction::ProjectAuthSettingsChanged,
        AuditAction::EndUserCreated,
        AuditAction::EndUserUpdated,
        AuditAction::EndUserPasswordChanged,
        AuditAction::EndUserBanned,
        AuditAction::EndUserUnbanned,
        AuditAction::EndUserSessionsRevoked,
        AuditAction::EndUserDeleted,
        AuditAction::OrganizationCreated,
        AuditAction::OrganizationUpdated,
        AuditAction::OrganizationDeleted,
        AuditAction::OrgMemberAdded,
        AuditAction::OrgMemberRoleUpdated,
        AuditAction::OrgMemberRemoved,
        AuditAction::OrgInvitationCreated,
        AuditAction::OrgInvitationAccepted,
        AuditAction::OrgInvitationRejected,
        AuditAction::OrgInvitationRevoked,
        AuditAction::RoleCreated,
        AuditAction::RoleUpdated,
        AuditAction::RoleDeleted,
        AuditAction::PermissionCreated,
        AuditAction::PermissionUpdated,
        AuditAction::PermissionDeleted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::KeyCreated => "api_key.created",
            AuditAction::KeyRevoked => "api_key.revoked",
            AuditAction::KeyRolled => "api_key.rolled",
            AuditAction::KeyRenamed => "api_key.renamed",
            AuditAction::MemberAdded => "member.added",
            AuditAction::MemberRoleChanged => "member.role_changed",
            AuditAction::MemberRemoved => "member.removed",
            AuditAction::InvitationCreated => "invitation.created",
            AuditAction::InvitationAccepted => "invitation.accepted",
            AuditAction::InvitationRevoked => "invitation.revoked",
            AuditAction::ProjectRenamed => "project.renamed",
            AuditAction::ProjectUrlChanged => "project.url_changed",
            AuditAction::ProjectDeleted => "project.deleted",
            AuditAction::ProjectAuthSettingsChanged => "project.auth_settings_changed",
            AuditAction::EndUserCreated => "user.created",
            AuditAction::EndUserUpdated => "user.updated",
            AuditAction::EndUserPasswordChanged => "user.password_changed",
            AuditAction::EndUserBanned => "user.banned",
            AuditAction::EndUserUnbanned => "user.unbanned",
            AuditAction::EndUserSessionsRevoked => "user.sessions_revoked",
            AuditAction::EndUserDeleted => "user.deleted",
            AuditAction::OrganizationCreated => "organization.created",
            AuditAction::OrganizationUpdated => "organization.updated",
            AuditAction::OrganizationDeleted => "organization.deleted",
            AuditAction::OrgMemberAdded => "organization.member_added",
            AuditAction::OrgMemberRoleUpdated => "organization.member_role_updated",
            AuditAction::OrgMemberRemoved => "organization.member_removed",
            AuditAction::OrgInvitationCreated => "organization.invitation_created",
            AuditAction::OrgInvitationAccepted => "organization.invitation_accepted",
            AuditAction::OrgInvitationRejected => "organization.invitation_rejected",
            AuditAction::OrgInvitationRevoked => "organization.invitation_revoked",
            AuditAction::RoleCreated => "role.created",
            AuditAction::RoleUpdated => "role.updated",
            AuditAction::RoleDeleted => "role.deleted",
            AuditAction::PermissionCreated => "permission.created",
            AuditAction::PermissionUpdated => "permission.updated",
            AuditAction::PermissionDeleted => "permission.deleted",
            AuditAction::AppRecorded => "app.recorded",
        }
    }

    pub fn parse(value: &str) -> Option<AuditAction> {
        Self::ALL.into_iter().find(|a| a.as_str() == value)
    }

    /// For people: "Created API key".
    pub fn label(self) -> &'static str {
        match self {
            AuditAction::KeyCreated => "Created API key",
            AuditAction::KeyRevoked => "Revoked API key",
            AuditAction::KeyRolled => "Rolled API key",
            AuditAction::KeyRenamed => "Renamed API key",
            AuditAction::MemberAdded => "Added member",
            AuditAction::MemberRoleChanged => "Changed role",
            AuditAction::MemberRemoved => "Removed member",
            AuditAction::InvitationCreated => "Invited",
            AuditAction::InvitationAccepted => "Accepted invitation",
            AuditAction::InvitationRevoked => "Withdrew invitation",
            AuditAction::ProjectRenamed => "Renamed project",
            AuditAction::ProjectUrlChanged => "Changed project URL",
            AuditAction::ProjectDeleted => "Deleted project",
            AuditAction::ProjectAuthSettingsChanged => "Changed authentication settings",
            AuditAction::EndUserCreated => "Created user",
            AuditAction::EndUserUpdated => "Updated user",
            AuditAction::EndUserPasswordChanged => "Changed user's password",
            AuditAction::EndUserBanned => "Banned user",
            AuditAction::EndUserUnbanned => "Unbanned user",
            AuditAction::EndUserSessionsRevoked => "Revoked user's sessions",
            AuditAction::EndUserDeleted => "Deleted user",
            AuditAction::OrganizationCreated => "Created organization",
            AuditAction::OrganizationUpdated => "Updated organization",
            AuditAction::OrganizationDeleted => "Deleted organization",
            AuditAction::OrgMemberAdded => "Added organization member",
            AuditAction::OrgMemberRoleUpdated => "Changed organization role",
            AuditAction::OrgMemberRemoved => "Removed organization member",
            AuditAction::OrgInvitationCreated => "Invited to organization",
            AuditAction::OrgInvitationAccepted => "Accepted organization invitation",
            AuditAction::OrgInvitationRejected => "Declined organization invitation",
            AuditAction::OrgInvitationRevoked => "Canceled organization invitation",
            AuditAction::RoleCreated => "Created role",
            AuditAction::RoleUpdated => "Updated role",
            AuditAction::RoleDeleted => "Deleted role",
            AuditAction::PermissionCreated => "Created permission",
            AuditAction::PermissionUpdated => "Updated permission",
            AuditAction::PermissionDeleted => "Deleted permission",
            AuditAction::AppRecorded => "Recorded by the app",
        }
    }
}

/// Who did it: a signed-in member, an application with an API key (the
/// admin API), or the app on behalf of its own user (a sign-up, a user
/// changing their password), named by the key it came with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ActorKind {
    User,
    ApiKey,
    App,
    /// A user of the project's app, in its organizations.
    EndUser,
}

impl ActorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ActorKind::User => "user",
            ActorKind::ApiKey => "api_key",
            ActorKind::App => "app",
            ActorKind::EndUser => "end_user",
        }
    }

    pub fn parse(value: &str) -> Option<ActorKind> {
        match value {
            "user" => Some(ActorKind::User),
            "api_key" => Some(ActorKind::ApiKey),
            "app" => Some(ActorKind::App),
            "end_user" => Some(ActorKind::EndUser),
            _ => None,
        }
    }
}

/// One recorded change. Names are as they were at the time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEvent {
    /// Increases with every event; also the paging cursor.
    pub seq: i64,
    /// RFC 3339, UTC.
    pub at: String,
    pub action: AuditAction,
    /// The wire name: `action.as_str()` for ours, the app's own for one it
    /// recorded.
    pub action_name: String,
    pub actor_kind: ActorKind,
    pub actor_id: String,
    pub actor_name: String,
    pub target_id: String,
    pub target_name: String,
    /// What changed, for people: "developer → owner", "never expires".
    pub detail: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// Someone who appears in a project's audit log, for the actor filter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditActor {
    pub id: String,
    pub name: String,
    pub kind: ActorKind,
}

/// One page of the audit log, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub events: Vec<AuditEvent>,
    /// Pass back as `before` for older events; `None` on the last page.
    pub next_cursor: Option<i64>,
    pub actors: Vec<AuditActor>,
}

/// A short "Chrome on macOS" for a User-Agent header, or the first word of
/// one we do not know ("curl", "banata-rust-client").
pub fn describe_device(user_agent: &str) -> String {
    let ua = user_agent;
    let browser = if ua.contains("Edg/") {
        Some("Edge")
    } else if ua.contains("Firefox/") {
        Some("Firefox")
    } else if ua.contains("Chrome/") || ua.contains("Chromium/") {
        Some("Chrome")
    } else if ua.contains("Safari/") {
        Some("Safari")
    } else {
        None
    };
    let os = if ua.contains("Android") {
        Some("Android")
    } else if ua.contains("iPhone") || ua.contains("iPad") {
        Some("iOS")
    } else if ua.contains("Windows") {
        Some("Windows")
    } else if ua.contains("Mac OS X") || ua.contains("Macintosh") {
        Some("macOS")
    } else if ua.contains("Linux") || ua.contains("X11") {
        Some("Linux")
    } else {
        None
    };
    match (browser, os) {
        (Some(b), Some(o)) => format!("{b} on {o}"),
        (Some(b), None) => b.to_string(),
        _ => {
            let word = ua.split(['/', ' ']).next().unwrap_or("").trim();
            if word.is_empty() {
                "Unknown device".to_string()
            } else {
                word.chars().take(40).collect()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_round_trip_through_their_names() {
        for action in AuditAction::ALL {
            assert_eq!(AuditAction::parse(action.as_str()), Some(action));
        }
        assert_eq!(AuditAction::parse("api_key.deleted"), None);
    }

    #[test]
    fn devices_read_from_user_agents() {
        let chrome =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";
        assert_eq!(describe_device(chrome), "Chrome on Linux");
        let safari = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1";
        assert_eq!(describe_device(safari), "Safari on iOS");
        let edge = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0 Safari/537.36 Edg/120.0";
        assert_eq!(describe_device(edge), "Edge on Windows");
        assert_eq!(describe_device("curl/8.5.0"), "curl");
        assert_eq!(describe_device(""), "Unknown device");
    }
}
