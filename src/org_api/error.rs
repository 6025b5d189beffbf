//! The organization endpoints' errors: better-auth's `{code, message}` for
//! both principals. What is not found is named by better-auth's codes on
//! `/organization/*` (400, as its clients expect) and is 404 on
//! `/banata/*`; another project's id is "not found" like one never made.

use crate::auth_api::AuthError;
use crate::domain::Resource;
use crate::error::AppError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

pub enum OrgError {
    /// Refused before a service was asked (key, session, body).
    Auth(AuthError),
    /// A service's answer on `/organization/*`.
    Organization(AppError),
    /// A service's answer on `/banata/*`.
    Config(AppError),
}

impl From<AuthError> for OrgError {
    fn from(error: AuthError) -> Self {
        OrgError::Auth(error)
    }
}

impl From<AppError> for OrgError {
    fn from(error: AppError) -> Self {
        OrgError::Organization(error)
    }
}

/// On `/banata/*`: not found is 404.
pub fn config(error: AppError) -> OrgError {
    OrgError::Config(error)
}

fn not_found_code(what: Resource) -> (&'static str, &'static str) {
    match what {
        Resource::Organization => ("ORGANIZATION_NOT_FOUND", "Organization not found"),
        Resource::OrgMember => ("MEMBER_NOT_FOUND", "Member not found"),
        Resource::OrgInvitation => ("INVITATION_NOT_FOUND", "Invitation not found"),
        Resource::Role => ("ROLE_NOT_FOUND", "Role not found"),
        Resource::Permission => ("PERMISSION_NOT_FOUND", "Permission not found"),
        Resource::User => ("USER_NOT_FOUND", "User not found"),
        _ => ("NOT_FOUND", "Not found"),
    }
}

impl IntoResponse for OrgError {
    fn into_response(self) -> Response {
        let error = match self {
            OrgError::Auth(error) => error,
            OrgError::Organization(AppError::NotFound(what)) => {
                let (code, message) = not_found_code(what);
                AuthError::new(StatusCode::BAD_REQUEST, code, message)
            }
            OrgError::Config(AppError::NotFound(what)) => {
                let (code, message) = not_found_code(what);
                AuthError::new(StatusCode::NOT_FOUND, code, message)
            }
            OrgError::Organization(error) | OrgError::Config(error) => AuthError::from(error),
        };
        error.into_response()
    }
}
