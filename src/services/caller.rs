//! Who is asking, resolved: the actor, the one project the request may act
//! on, and the access it has there. Authorization decisions start here.

use crate::actor::{Actor, RequestSource};
use crate::auth::{session, verified_key::VerifiedKey};
use crate::domain::{key_grants, may_change_keys, Membership, Permission, Resource, Role, User};
use crate::error::AppError;
use crate::state::AppState;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Instant;
use tower_sessions::Session;

/// The key a request presents, checked first: a key that works is never
/// refused for other clients' failures from the same address (behind a
/// proxy, that is every client). `None` for a key that does not work, which
/// is charged to the address; `RateLimited` while the address is blocked.
/// For the admin API and the auth API alike.
pub async fn verified_key(
    state: &AppState,
    presented: Option<&str>,
    ip: IpAddr,
) -> Result<Option<Arc<VerifiedKey>>, AppError> {
    if let Some(key) = presented {
        if let Some(verified) = state.keys.verify(key, time::OffsetDateTime::now_utc()).await? {
            return Ok(Some(verified));
        }
    }
    let ip = crate::auth::rate_limit::bucket(ip);
    state.key_failures.check(&ip, Instant::now()).map_err(AppError::RateLimited)?;
    state.key_failures.fail(&ip, Instant::now());
    Ok(None)
}

/// What the caller holds in its project.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Access {
    /// A signed-in member with this role.
    Member(Role),
    /// An application with an API key; `read_only` keys may only look.
    ApiKey { read_only: bool },
}

/// A resolved caller: authenticated, and bound to exactly one project.
#[derive(Clone, Debug)]
pub struct Caller {
    pub actor: Actor,
    pub project_id: String,
    pub project_name: String,
    pub project_slug: String,
    pub access: Access,
}

impl Caller {
    /// A signed-in member of `project`, acting from `source`.
    pub fn member(source: RequestSource, user: &User, project: &Membership) -> Caller {
        Caller {
            actor: source.user(user),
            project_id: project.project_id.clone(),
            project_name: project.name.clone(),
            project_slug: project.slug.clone(),
            access: Access::Member(project.role),
        }
    }

    /// An application with a verified key: the key alone decides the project.
    pub fn api_key(source: RequestSource, key: &VerifiedKey) -> Caller {
        Caller {
            actor: source.api_key(&key.id, &key.name),
            project_id: key.project_id.clone(),
            project_name: key.project_name.clone(),
            project_slug: key.project_slug.clone(),
            access: Access::ApiKey { read_only: !may_change_keys(&key.permissions) },
        }
    }

    /// The member's role, if the caller is one.
    pub fn role(&self) -> Option<Role> {
        match self.access {
            Access::Member(role) => Some(role),
            Access::ApiKey { .. } => None,
        }
    }

    /// The one authorization question every service asks: does the caller
    /// hold `permission` in its project? A member's role and a key's access
    /// answer it (`Role::grants`, `key_grants`); anything else is
    /// `Forbidden`, naming what is missing.
    pub fn require(&self, permission: Permission) -> Result<(), AppError> {
        let refused = match self.access {
            Access::Member(role) if role.grants(permission) => return Ok(()),
            Access::ApiKey { read_only } if key_grants(read_only, permission) => return Ok(()),
            Access::Member(_) => match permission.least_role() {
                Role::Owner => "Only the project's owners can do this.".to_string(),
                needed => format!("This needs the {} role or higher.", needed.label()),
            },
            Access::ApiKey { read_only: true } if permission.for_keys() => {
                "This key is read-only: it may look, not change anything.".to_string()
            }
            Access::ApiKey { .. } => "An API key cannot do this.".to_string(),
        };
        Err(AppError::Forbidden(refused))
    }

    /// Whether the caller holds `permission` (to decide what to show).
    pub fn holds(&self, permission: Permission) -> bool {
        self.require(permission).is_ok()
    }
}

/// The app itself acting for its user, as the audit log names it: by the
/// key the request came with.
pub fn app_actor(key: &VerifiedKey, from: &RequestSource) -> Actor {
    from.clone().app(&key.id, &key.name)
}

/// The signed-in member of the project at `slug`, in one lookup: the one
/// resolver behind server functions and plain-form routes. Signed out is
/// `Unauthenticated`; a project they do not belong to is `NotFound`, exactly
/// like one that does not exist. What their role allows is for the service
/// to decide.
pub async fn signed_in_member(
    state: &AppState,
    session: &Session,
    source: RequestSource,
    slug: &str,
) -> Result<(User, Caller), AppError> {
    let signed_in = session::current(session, &*state.store, &state.config, source.ip.clone()).await?;
    let user = signed_in.ok_or(AppError::Unauthenticated)?.user;
    let project =
        state.store.project_members().find(&user.id, slug).await?.ok_or(AppError::NotFound(Resource::Project))?;
    let caller = Caller::member(source, &user, &project);
    Ok((user, caller))
}
