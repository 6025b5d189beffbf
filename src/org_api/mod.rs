//! The organizations of a project's app users, their members, invitations,
//! roles and permissions, under `/api/auth/` (`../shared/docs/orgs-api.md`):
//! what better-auth's `organizationClient()` and the admin SDK's
//! `organizations` and `rbac` send. Two callers: the project's own access
//! (`Authorization: Bearer <key>`, only that header) and a signed-in user of
//! the app (the key in `x-api-key` only selects the project). Every read
//! answers GET (query) and POST (JSON body), since the two clients differ.

pub(crate) mod error;
pub(crate) mod extract;
mod invitation_handlers;
mod member_handlers;
mod organization_handlers;
mod rbac_handlers;
pub(crate) mod wire;

use crate::config::BODY_LIMIT;
use crate::state::AppState;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use tower_http::limit::RequestBodyLimitLayer;

pub fn router() -> Router<AppState> {
    use invitation_handlers as inv;
    use member_handlers as mem;
    use organization_handlers as org;
    use rbac_handlers as rbac;
    const O: &str = "/api/auth/organization";
    const B: &str = "/api/auth/banata";
    Router::new()
        .route(&format!("{O}/create"), post(org::create))
        .route(&format!("{O}/list"), get(org::list).post(org::list))
        .route(&format!("{O}/get-full-organization"), get(org::get_full).post(org::get_full))
        .route(&format!("{O}/set-active"), post(org::set_active))
        .route(&format!("{O}/update"), post(org::update))
        .route(&format!("{O}/delete"), post(org::delete))
        .route(&format!("{O}/check-slug"), post(org::check_slug))
        .route(&format!("{O}/list-members"), get(mem::list).post(mem::list))
        .route(&format!("{O}/add-member"), post(mem::add))
        .route(&format!("{O}/update-member-role"), post(mem::update_role))
        .route(&format!("{O}/remove-member"), post(mem::remove))
        .route(&format!("{O}/leave"), post(mem::leave))
        .route(&format!("{O}/get-active-member"), get(mem::active_member).post(mem::active_member))
        .route(&format!("{O}/get-active-member-role"), get(mem::active_member_role).post(mem::active_member_role))
        .route(&format!("{O}/invite-member"), post(inv::invite))
        .route(&format!("{O}/accept-invitation"), post(inv::accept))
        .route(&format!("{O}/reject-invitation"), post(inv::reject))
        .route(&format!("{O}/cancel-invitation"), post(inv::cancel))
        .route(&format!("{O}/get-invitation"), get(inv::get).post(inv::get))
        .route(&format!("{O}/list-invitations"), get(inv::list).post(inv::list))
        .route(&format!("{O}/list-user-invitations"), get(inv::of_user).post(inv::of_user))
        .route(&format!("{O}/has-permission"), post(rbac::has_permission))
        .route(&format!("{B}/config/roles/list"), post(rbac::list_roles))
        .route(&format!("{B}/config/roles/create"), post(rbac::create_role))
        .route(&format!("{B}/config/roles/update"), post(rbac::update_role))
        .route(&format!("{B}/config/roles/delete"), post(rbac::delete_role))
        .route(&format!("{B}/config/permissions/list"), post(rbac::list_permissions))
        .route(&format!("{B}/config/permissions/create"), post(rbac::create_permission))
        .route(&format!("{B}/config/permissions/update"), post(rbac::update_permission))
        .route(&format!("{B}/config/permissions/delete"), post(rbac::delete_permission))
        .route(&format!("{B}/rbac/my-permissions"), post(rbac::my_permissions))
        .route(&format!("{B}/rbac/check-permission"), post(rbac::check_permission))
        .route(&format!("{B}/rbac/check-permissions"), post(rbac::check_permissions))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
}
