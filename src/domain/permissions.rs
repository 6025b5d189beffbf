//! What can be done to what: one vocabulary (`resource.action`) in which
//! every caller's access is stated. A dashboard role, an API key's access
//! and (for a project's organizations) an organization role are sources of
//! the same answer to one question: does this caller hold that permission?
//! Services ask it through `Caller::require`; pages ask `Role::grants` to
//! decide what to show.

use super::Role;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Permission {
    /// A project's API keys.
    ApiKeyRead,
    ApiKeyCreate,
    ApiKeyUpdate,
    ApiKeyDelete,
    /// The users of the project's app, and their sessions.
    UserRead,
    UserManage,
    /// The project's audit log.
    AuditRead,
    /// The project's mail deliveries.
    MailRead,
    /// The project itself: its name and URL name; deleting it.
    ProjectUpdate,
    ProjectDelete,
    /// The project's dashboard team and its invitations.
    TeamRead,
    TeamManage,
    /// How the project's app lets its users sign up and in.
    AuthSettingsRead,
    AuthSettingsUpdate,
    /// The organizations of the project's app users, their members,
    /// invitations and roles.
    OrganizationsRead,
    OrganizationsManage,
    /// The project's webhook endpoints and their deliveries.
    WebhooksRead,
    WebhooksManage,
    /// The project's events (what its webhooks carry).
    EventsRead,
    /// Records the app writes into the audit log.
    AuditWrite,
}

impl Permission {
    pub const ALL: [Permission; 20] = [
        Permission::ApiKeyRead,
        Permission::ApiKeyCreate,
        Permission::ApiKeyUpdate,
        Permission::ApiKeyDelete,
        Permission::UserRead,
        Permission::UserManage,
        Permission::AuditRead,
        Permission::MailRead,
        Permission::ProjectUpdate,
        Permission::ProjectDelete,
        Permission::TeamRead,
        Permission::TeamManage,
        Permission::AuthSettingsRead,
        Permission::AuthSettingsUpdate,
        Permission::OrganizationsRead,
        Permission::OrganizationsManage,
        Permission::WebhooksRead,
        Permission::WebhooksManage,
        Permission::EventsRead,
        Permission::AuditWrite,
    ];

    /// Its name, `resource.action`.
    pub fn slug(self) -> &'static str {
        match self {
            Permission::ApiKeyRead => "api_key.read",
            Permission::ApiKeyCreate => "api_key.create",
            Permission::ApiKeyUpdate => "api_key.update",
            Permission::ApiKeyDelete => "api_key.delete",
            Permission::UserRead => "user.read",
            Permission::UserManage => "user.manage",
            Permission::AuditRead => "audit.read",
            Permission::MailRead => "mail.read",
            Permission::ProjectUpdate => "project.update",
            Permission::ProjectDelete => "project.delete",
            Permission::TeamRead => "team.read",
            Permission::TeamManage => "team.manage",
            Permission::AuthSettingsRead => "auth_settings.read",
            Permission::AuthSettingsUpdate => "auth_settings.update",
            Permission::OrganizationsRead => "organizations.read",
            Permission::OrganizationsManage => "organizations.manage",
            Permission::WebhooksRead => "webhooks.read",
            Permission::WebhooksManage => "webhooks.manage",
            Permission::EventsRead => "events.read",
            Permission::AuditWrite => "audit.write",
        }
    }

    /// Looks only: what a read-only key and a viewer may do (the audit log
    /// aside, which names people and addresses).
    pub fn is_read(self) -> bool {
        self.slug().ends_with(".read")
    }

    /// The project's own settings and team, changed by its owners only
    /// (extra origins widen who may act with a user's cookie; members
    /// decide who sees everything).
    fn owners_only(self) -> bool {
        matches!(
            self,
            Permission::ProjectUpdate
                | Permission::ProjectDelete
                | Permission::TeamManage
                | Permission::AuthSettingsUpdate
        )
    }

    /// What an application's key can be given at most: the admin API's
    /// resources, never the project's own settings or team.
    pub fn for_keys(self) -> bool {
        matches!(
            self,
            Permission::ApiKeyRead
                | Permission::ApiKeyCreate
                | Permission::ApiKeyUpdate
                | Permission::ApiKeyDelete
                | Permission::UserRead
                | Permission::UserManage
                | Permission::OrganizationsRead
                | Permission::OrganizationsManage
                | Permission::WebhooksRead
                | Permission::WebhooksManage
                | Permission::EventsRead
                | Permission::AuditRead
                | Permission::AuditWrite
        )
    }

    /// The least dashboard role that holds it.
    pub fn least_role(self) -> Role {
        if self.owners_only() {
            Role::Owner
        } else if self.is_read() && self != Permission::AuditRead {
            Role::Viewer
        } else {
            Role::Developer
        }
    }
}

impl Role {
    /// Whether a member with this role holds `permission`: owners all,
    /// developers all but the project's own settings and team, viewers only
    /// to look (not at the audit log).
    pub fn grants(self, permission: Permission) -> bool {
        self.allows(permission.least_role())
    }
}

/// What a key of a project may do: a full-access key everything the admin
/// API offers, a read-only key only its reads.
pub fn key_grants(read_only: bool, permission: Permission) -> bool {
    permission.for_keys() && (!read_only || permission.is_read())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_resource_dot_action_and_unique() {
        let slugs: std::collections::BTreeSet<_> = Permission::ALL.iter().map(|p| p.slug()).collect();
        assert_eq!(slugs.len(), Permission::ALL.len());
        assert!(slugs.iter().all(|s| s.split_once('.').is_some_and(|(r, a)| !r.is_empty() && !a.is_empty())));
    }

    #[test]
    fn roles_grant_what_the_dashboard_promises() {
        use Permission as P;
        for p in Permission::ALL {
            assert!(Role::Owner.grants(p), "owners hold {}", p.slug());
        }
        assert!(Role::Developer.grants(P::ApiKeyCreate) && Role::Developer.grants(P::UserManage));
        assert!(Role::Developer.grants(P::AuditRead));
        assert!(!Role::Developer.grants(P::AuthSettingsUpdate) && !Role::Developer.grants(P::TeamManage));
        assert!(Role::Viewer.grants(P::ApiKeyRead) && Role::Viewer.grants(P::AuthSettingsRead));
        assert!(!Role::Viewer.grants(P::ApiKeyDelete) && !Role::Viewer.grants(P::AuditRead));
    }

    #[test]
    fn keys_hold_the_admin_apis_permissions_only() {
        use Permission as P;
        assert!(key_grants(false, P::ApiKeyCreate) && key_grants(false, P::UserManage));
        assert!(key_grants(true, P::ApiKeyRead) && key_grants(true, P::UserRead));
        assert!(!key_grants(true, P::ApiKeyCreate) && !key_grants(true, P::UserManage), "read-only looks");
        assert!(!key_grants(false, P::TeamManage) && !key_grants(false, P::ProjectDelete), "never the project's own");
    }
}
