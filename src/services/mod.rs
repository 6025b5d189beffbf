//! The rules of each resource with a lifecycle, in one place per resource:
//! what input is acceptable (one set for the dashboard, the admin API and
//! the plain forms), who may do what, what the audit log records, and which
//! cached keys must be forgotten. The adapters (server functions in `api`,
//! admin API handlers in `admin`, plain-form routes in `http`) find out who
//! is asking, call one function here, and map its `AppError` to their wire.
//!
//! A service function takes the `AppState` (store and key cache), the
//! resolved `Caller` and already-parsed input; it never sees a request.

pub mod account_mail;
pub mod audit;
pub mod audit_logs;
pub mod auth_settings;
mod caller;
pub mod end_user_admin;
pub mod end_user_mail;
pub mod end_users;
pub mod events;
pub mod keys;
pub mod org_access;
pub mod org_dashboard;
pub mod org_roles;
pub mod organization_invitations;
pub mod organization_members;
pub mod organizations;
pub mod project_members;
pub mod projects;
pub mod rbac;
pub mod webhooks;

pub use caller::{app_actor, signed_in_member, verified_key, Access, Caller};
