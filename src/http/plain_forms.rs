//! Form posts whose answer is shown once: a new API key, an invitation
//! link, a key test's verdict. A redirect cannot carry it, so these handlers
//! answer the POST with the form's page, showing it (`answer_page`).

use super::answer_page;
use super::guard::member;
use crate::actor::RequestSource;
use crate::api::keys::{grace_choice, NewKeyForm};
use crate::error::AppError;
use crate::services::{keys, project_members};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use tower_sessions::Session;

#[derive(Deserialize)]
pub struct AddMemberForm {
    email: String,
    role: String,
}

/// The form's page, for a GET of the form's address: the parent path
/// (`/projects/<slug>/members/add` → `/projects/<slug>/members`).
pub async fn to_form_page(uri: axum::http::Uri) -> Redirect {
    let path = uri.path();
    Redirect::to(path.rsplit_once('/').map_or("/", |(page, _)| page))
}

/// Sends a form with a field error back to its page, which shows the message.
fn back_with_error(page: &str, errors: &[crate::domain::FieldError], extra: &[(&str, &str)]) -> Response {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (k, v) in extra {
        query.append_pair(k, v);
    }
    query.append_pair("error", crate::domain::form_errors::code_for(errors));
    Redirect::to(&format!("{page}?{}", query.finish())).into_response()
}

pub async fn create_key(
    State(state): State<AppState>,
    source: RequestSource,
    session: Session,
    headers: HeaderMap,
    extensions: axum::http::Extensions,
    Path(slug): Path<String>,
    Form(form): Form<NewKeyForm>,
) -> Response {
    let list = format!("/projects/{slug}/api-keys");
    let (_, caller) = match member(&state, &session, source, &slug, &list).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let created = match form.request() {
        Ok(request) => keys::create(&state, &caller, request).await.map_err(NewKeyForm::field_errors),
        Err(error) => Err(error),
    };
    match created {
        Ok(created) => reveal(&state, &headers, &extensions, created, &list).await,
        Err(AppError::Invalid(errors)) => back_with_error(&list, &errors, &[("new", "1"), ("name", &form.name)]),
        Err(error) => error.into_response(),
    }
}

#[derive(Deserialize)]
pub struct RollForm {
    key_id: String,
    grace: String,
}

pub async fn roll_key(
    State(state): State<AppState>,
    source: RequestSource,
    session: Session,
    headers: HeaderMap,
    extensions: axum::http::Extensions,
    Path(slug): Path<String>,
    Form(form): Form<RollForm>,
) -> Response {
    let list = format!("/projects/{slug}/api-keys");
    let (_, caller) = match member(&state, &session, source, &slug, &list).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let rolled = match grace_choice(&form.grace) {
        Ok(grace) => keys::roll(&state, &caller, &form.key_id, grace).await,
        Err(error) => Err(error),
    };
    match rolled {
        Ok(created) => reveal(&state, &headers, &extensions, created, &list).await,
        Err(AppError::Invalid(errors)) => back_with_error(&list, &errors, &[("roll", &form.key_id)]),
        Err(error) => error.into_response(),
    }
}

/// The key list with the new key's one-time reveal over it.
async fn reveal(
    state: &AppState,
    headers: &HeaderMap,
    extensions: &axum::http::Extensions,
    created: crate::domain::CreatedKey,
    list: &str,
) -> Response {
    let created = crate::domain::CreatedKey { auth_url: state.config.public_base(Some(headers)), ..created };
    answer_page::render(state, headers, extensions, list, created).await
}

#[derive(Deserialize)]
pub struct TestKeyForm {
    key: String,
}

/// "Test a key": the answer is the page with the verdict.
pub async fn test_key(
    State(state): State<AppState>,
    source: RequestSource,
    session: Session,
    headers: HeaderMap,
    extensions: axum::http::Extensions,
    Path(slug): Path<String>,
    Form(form): Form<TestKeyForm>,
) -> Response {
    let page = format!("/projects/{slug}/test-key");
    let (_, caller) = match member(&state, &session, source, &slug, &page).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let ip = state.config.client_ip(&headers, &extensions);
    match keys::test(&state, &caller, ip, &form.key).await {
        Ok(check) => answer_page::render(&state, &headers, &extensions, &page, check).await,
        Err(error) => error.into_response(),
    }
}

pub async fn add_member(
    State(state): State<AppState>,
    source: RequestSource,
    session: Session,
    headers: HeaderMap,
    extensions: axum::http::Extensions,
    Path(slug): Path<String>,
    Form(form): Form<AddMemberForm>,
) -> Response {
    let page = format!("/projects/{slug}/members");
    let (_, caller) = match member(&state, &session, source, &slug, &page).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let base = state.config.public_base(Some(&headers));
    match project_members::add(&state, &caller, &form.email, &form.role, &base).await {
        Ok(invitation) => answer_page::render(&state, &headers, &extensions, &page, invitation).await,
        Err(AppError::Invalid(errors)) => back_with_error(&page, &errors, &[]),
        Err(error) => error.into_response(),
    }
}
