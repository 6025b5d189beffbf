//! Each project's organization roles and what they grant, so that a
//! permission check (`rbac/check-permission`, `has-permission`, every
//! organization endpoint) costs no database query in steady state. A role
//! change anywhere forgets the project's entry (`CacheChange::Roles`).

use super::forget_log::Ticket;
use super::forgetting_cache::{ForgettingCache, Found};
use crate::domain::organizations::SUPER_ADMIN;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

const TTL: Duration = Duration::from_secs(60);
const MAX_PROJECTS: u64 = 10_000;

/// A project's roles: slug → the permissions it holds. `super_admin` is
/// not among them: it holds every permission.
#[derive(Debug, Default)]
pub struct ProjectRoles {
    by_slug: HashMap<String, Vec<String>>,
    /// Every permission of the project, built-in and its own, sorted.
    all: Vec<String>,
}

impl ProjectRoles {
    /// The roles, and the project's own permissions (the built-in ones are
    /// added here).
    pub fn new(roles: impl IntoIterator<Item = (String, Vec<String>)>, own: impl IntoIterator<Item = String>) -> Self {
        let mut all: Vec<String> =
            crate::domain::organizations::BUILT_IN_PERMISSIONS.iter().map(|p| p.to_string()).collect();
        all.extend(own);
        all.sort();
        all.dedup();
        Self { by_slug: roles.into_iter().collect(), all }
    }

    /// Every permission of the project.
    pub fn all(&self) -> &[String] {
        &self.all
    }

    pub fn permissions_of(&self, slug: &str) -> Option<&[String]> {
        self.by_slug.get(slug).map(Vec::as_slice)
    }

    /// Whether the role exists (`super_admin` always does).
    pub fn exists(&self, slug: &str) -> bool {
        slug == SUPER_ADMIN || self.by_slug.contains_key(slug)
    }

    /// Whether any of `roles` grants `permission`.
    pub fn grant(&self, roles: &str, permission: &str) -> bool {
        crate::domain::organizations::roles_grant(
            roles.split(',').filter(|r| !r.is_empty()),
            |role| self.permissions_of(role),
            permission,
        )
    }

    /// Everything `roles` hold (every permission in `all` for `super_admin`).
    pub fn held(&self, roles: &str, all: &[String]) -> Vec<String> {
        let mut held: Vec<String> = Vec::new();
        for role in roles.split(',').filter(|r| !r.is_empty()) {
            let of_role = if role == SUPER_ADMIN { all } else { self.permissions_of(role).unwrap_or_default() };
            held.extend(of_role.iter().cloned());
        }
        held.sort();
        held.dedup();
        held
    }
}

pub enum CachedRoles {
    Hit(Arc<ProjectRoles>),
    Miss(Ticket),
}

pub struct RoleCache {
    projects: ForgettingCache<Arc<ProjectRoles>>,
}

impl Default for RoleCache {
    fn default() -> Self {
        Self { projects: ForgettingCache::new(MAX_PROJECTS, TTL) }
    }
}

fn mark(project_id: &str) -> String {
    format!("r:{project_id}")
}

impl RoleCache {
    pub fn get(&self, project_id: &str) -> CachedRoles {
        match self.projects.get(project_id) {
            Found::Hit(roles) => CachedRoles::Hit(roles),
            Found::Miss(ticket) => CachedRoles::Miss(ticket),
        }
    }

    pub fn remember(&self, project_id: &str, roles: Arc<ProjectRoles>, ticket: Ticket) {
        self.projects.remember(project_id, roles, ticket, &[&mark(project_id)]);
    }

    pub fn forget(&self, project_id: &str) {
        self.projects.forget_key(project_id, mark(project_id));
    }

    /// Applies a change made here or heard of from another instance.
    pub fn apply(&self, change: &crate::store::CacheChange) {
        use crate::store::CacheChange;
        match change {
            CacheChange::Roles(project_id) | CacheChange::Project(project_id) => self.forget(project_id),
            CacheChange::All => self.projects.forget_all(),
            CacheChange::Hash(_) | CacheChange::Session(_) | CacheChange::EndUser(_) | CacheChange::JwtKeys(_) => {}
        }
    }

    /// Times the database had to be asked.
    pub fn lookups(&self) -> u64 {
        self.projects.misses()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_grant_and_list_what_they_hold() {
        let roles = ProjectRoles::new(
            [
                ("admin".to_string(), vec!["member.invite".to_string(), "member.read".to_string()]),
                ("billing".to_string(), vec!["invoice.approve".to_string()]),
            ],
            ["invoice.approve".to_string()],
        );
        assert!(
            roles.all().contains(&"invoice.approve".to_string()) && roles.all().contains(&"member.read".to_string())
        );
        assert!(roles.grant("admin,billing", "invoice.approve"));
        assert!(!roles.grant("admin", "invoice.approve"));
        assert!(roles.grant("super_admin", "anything.at_all"));
        assert!(roles.exists("super_admin") && !roles.exists("ghost"));
        assert_eq!(roles.held("billing,admin", &[]), ["invoice.approve", "member.invite", "member.read"]);
        assert_eq!(roles.held("super_admin", &["a.b".to_string()]), ["a.b"]);
    }

    #[test]
    fn a_role_change_forgets_the_project() {
        let cache = RoleCache::default();
        let CachedRoles::Miss(ticket) = cache.get("proj_1") else { panic!("empty cache") };
        cache.remember("proj_1", Arc::new(ProjectRoles::default()), ticket);
        assert!(matches!(cache.get("proj_1"), CachedRoles::Hit(_)));
        cache.apply(&crate::store::CacheChange::Roles("proj_1".into()));
        assert!(matches!(cache.get("proj_1"), CachedRoles::Miss(_)));
    }
}
