//! The OpenAPI 3.1 document of the admin API, generated from the handlers'
//! annotations and the wire types, served at `/api/openapi.json`.

use super::key_handlers;
use super::key_types::{
    ApiKeyObject, CreateKeyRequest, CreatedApiKey, DeleteKeyRequest, ErrorBody, FieldProblem, RollKeyRequest, Success,
    Whoami, WhoamiKey, WhoamiProject,
};
use super::user_handlers;
use super::user_types::{
    BanUserRequest, CreateUserRequest, ListUsersRequest, SessionIdRequest, SessionList, SessionObject,
    SetPasswordRequest, SetRoleRequest, Status, UpdateUserRequest, UserEnvelope, UserIdRequest, UserList, UserObject,
};
use axum::http::header;
use axum::response::IntoResponse;
use std::sync::LazyLock;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Banata admin API",
        description = "Manage a project's API keys and end users with one of its keys. The key alone decides the project."
    ),
    paths(
        key_handlers::create,
        key_handlers::list,
        key_handlers::roll,
        key_handlers::delete,
        key_handlers::whoami,
        user_handlers::list_users,
        user_handlers::get_user,
        user_handlers::create_user,
        user_handlers::remove_user,
        user_handlers::ban_user,
        user_handlers::unban_user,
        user_handlers::list_user_sessions,
        user_handlers::revoke_user_session,
        user_handlers::revoke_user_sessions,
        user_handlers::update_user,
        user_handlers::set_role,
        user_handlers::set_user_password
    ),
    components(schemas(
        ApiKeyObject,
        CreatedApiKey,
        CreateKeyRequest,
        DeleteKeyRequest,
        RollKeyRequest,
        Success,
        Whoami,
        WhoamiProject,
        WhoamiKey,
        ErrorBody,
        FieldProblem,
        UserObject,
        UserEnvelope,
        UserList,
        SessionObject,
        SessionList,
        ListUsersRequest,
        UserIdRequest,
        CreateUserRequest,
        BanUserRequest,
        SessionIdRequest,
        UpdateUserRequest,
        SetRoleRequest,
        SetPasswordRequest,
        Status
    )),
    modifiers(&KeySchemes),
    tags(
        (name = "API keys", description = "Create, list and revoke the project's keys"),
        (name = "Users", description = "The project's end users and their sessions (the SDK's userManagement)"),
        (name = "Troubleshooting", description = "Which project a key acts on")
    )
)]
pub struct ApiDoc;

/// How a request carries its key: `Authorization: Bearer` only (an app's
/// route handler adds `x-api-key` to every browser request, so that header
/// grants nothing here).
struct KeySchemes;

impl Modify for KeySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A project's API key (`sk_live_…`). Only this header carries admin power: `x-api-key` is refused.",
                    ))
                    .build(),
            ),
        );
    }
}

static DOCUMENT: LazyLock<String> =
    LazyLock::new(|| ApiDoc::openapi().to_pretty_json().expect("the OpenAPI document serializes"));

pub async fn document() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], DOCUMENT.as_str())
}
