//! Plain-form posts (no JavaScript) whose answer is a secret shown once: a new
//! API key, an invitation link. A plain form cannot receive a server
//! function's return value (it is answered with a redirect), so these
//! handlers answer the POST with the page itself.

use super::guard::member;
use super::plain_page;
use crate::actor::RequestSource;
use crate::api::keys::{grace_choice, NewKeyForm};
use crate::components::copy::CopyField;
use crate::components::reveal::KeyReveal;
use crate::domain::InvitationCreated;
use crate::error::AppError;
use crate::pages::test_key::KeyCheckResult;
use crate::services::{keys, members};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use leptos::prelude::*;
use serde::Deserialize;
use tower_sessions::Session;

#[derive(Deserialize)]
pub struct AddMemberForm {
    email: String,
    role: String,
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
        Ok(created) => reveal(created, state.config.public_base(Some(&headers)), list),
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
        Ok(created) => reveal(created, state.config.public_base(Some(&headers)), list),
        Err(AppError::Invalid(errors)) => back_with_error(&list, &errors, &[("roll", &form.key_id)]),
        Err(error) => error.into_response(),
    }
}

/// The one-time page with a new key's secret.
fn reveal(created: crate::domain::CreatedKey, auth_url: String, list: String) -> Response {
    plain_page::once("Your new key", move || {
        view! {
            <KeyReveal name=created.key.name.clone() secret=created.secret.clone() auth_url=auth_url.clone()>
                <a class="button button-primary" href=list>"Done"</a>
            </KeyReveal>
        }
    })
}

#[derive(Deserialize)]
pub struct TestKeyForm {
    key: String,
}

/// "Test a key" without JavaScript: the answer is a page with the verdict.
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
        Ok(check) => plain_page::once("Test a key", move || {
            view! {
                <h2>"Test a key"</h2>
                <KeyCheckResult check=check />
                <div class="dialog-actions">
                    <a class="button button-primary" href=page>"Test another key"</a>
                </div>
            }
        }),
        Err(error) => error.into_response(),
    }
}

pub async fn add_member(
    State(state): State<AppState>,
    source: RequestSource,
    session: Session,
    headers: HeaderMap,
    Path(slug): Path<String>,
    Form(form): Form<AddMemberForm>,
) -> Response {
    let page = format!("/projects/{slug}/members");
    let (_, caller) = match member(&state, &session, source, &slug, &page).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let base = state.config.public_base(Some(&headers));
    match members::add(&state, &caller, &form.email, &form.role, &base).await {
        Ok(InvitationCreated { email, link, mailed }) => plain_page::once("Invitation link", move || {
            let words = match mailed {
                true => {
                    format!("We mailed it to {email}. You may also send them this link: either works once, for 7 days.")
                }
                false => format!(
                    "Send {email} this link: they join when they open it and accept. It works once, for 7 days."
                ),
            };
            view! {
                <div class="reveal">
                    <h2>"Invitation created"</h2>
                    <p>{words}</p>
                    <CopyField label="Invitation link" value=link />
                    <p class="alert alert-warning" role="note">"This link won't be shown again."</p>
                    <div class="dialog-actions">
                        <a class="button button-primary" href=page>"Done"</a>
                    </div>
                </div>
            }
        }),
        Err(AppError::Invalid(errors)) => back_with_error(&page, &errors, &[]),
        Err(error) => error.into_response(),
    }
}
