//! The Webhooks pages' forms that work without JavaScript and answer with
//! a page: adding an endpoint and rotating its secret show the new secret
//! once, in place (`answer_page`); a refused add or edit shows the page
//! again with the server's message and what was typed. The event types
//! arrive as one `events` field per ticked box.

use super::answer_page;
use super::guard::member;
use crate::actor::RequestSource;
use crate::domain::webhooks::{WebhookFormRefusal, WebhookSecret};
use crate::error::AppError;
use crate::services::webhooks::{self, EndpointInput};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use tower_sessions::Session;

/// The form's fields: `url`, every `events`, `grace`.
struct Fields(Vec<(String, String)>);

impl Fields {
    fn one(&self, name: &str) -> String {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default()
    }

    fn all(&self, name: &str) -> Vec<String> {
        self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect()
    }

    fn input(&self) -> EndpointInput {
        EndpointInput { url: Some(self.one("url")), event_types: Some(self.all("events")), enabled: None }
    }

    fn refusal(&self, error: &AppError) -> WebhookFormRefusal {
        let message = match error {
            AppError::Invalid(problems) => problems.first().map(|p| p.message.clone()).unwrap_or_default(),
            other => other.to_string(),
        };
        WebhookFormRefusal { message, url: self.one("url"), events: self.all("events") }
    }
}

/// Where the browser goes, and what the page shows.
struct Request<'a> {
    state: &'a AppState,
    headers: &'a HeaderMap,
    extensions: &'a axum::http::Extensions,
}

impl Request<'_> {
    async fn page<T: Clone + Send + Sync + 'static>(&self, path: &str, answer: T) -> Response {
        answer_page::render(self.state, self.headers, self.extensions, path, answer).await
    }
}

pub async fn create(
    State(state): State<AppState>,
    source: RequestSource,
    session: Session,
    headers: HeaderMap,
    extensions: axum::http::Extensions,
    Path(slug): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let list = format!("/projects/{slug}/webhooks");
    let (_, caller) = match member(&state, &session, source, &slug, &list).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let (fields, request) = (Fields(fields), Request { state: &state, headers: &headers, extensions: &extensions });
    match webhooks::create(&state, &caller, fields.input()).await {
        Ok(made) => {
            let secret = WebhookSecret {
                endpoint_id: made.endpoint.id.clone(),
                url: made.endpoint.url.clone(),
                secret: made.secret,
                previous_until: None,
            };
            request.page(&list, secret).await
        }
        Err(error @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            request.page(&format!("{list}?new=1"), fields.refusal(&error)).await
        }
        Err(error) => error.into_response(),
    }
}

pub async fn edit(
    State(state): State<AppState>,
    source: RequestSource,
    session: Session,
    headers: HeaderMap,
    extensions: axum::http::Extensions,
    Path((slug, id)): Path<(String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let page = format!("/projects/{slug}/webhooks/{id}");
    let (_, caller) = match member(&state, &session, source, &slug, &page).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let fields = Fields(fields);
    match webhooks::update(&state, &caller, &id, fields.input()).await {
        Ok(_) => Redirect::to(&format!("{page}?saved=1")).into_response(),
        Err(error @ AppError::Invalid(_)) => {
            let request = Request { state: &state, headers: &headers, extensions: &extensions };
            request.page(&page, fields.refusal(&error)).await
        }
        Err(error) => error.into_response(),
    }
}

pub async fn rotate(
    State(state): State<AppState>,
    source: RequestSource,
    session: Session,
    headers: HeaderMap,
    extensions: axum::http::Extensions,
    Path((slug, id)): Path<(String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let page = format!("/projects/{slug}/webhooks/{id}");
    let (_, caller) = match member(&state, &session, source, &slug, &page).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let fields = Fields(fields);
    let grace = match fields.one("grace").parse::<i64>() {
        Ok(seconds) => Some(seconds),
        Err(_) => return AppError::field("grace", "Choose how long the old secret keeps working.").into_response(),
    };
    match webhooks::rotate(&state, &caller, &id, grace).await {
        Ok(rotated) => {
            let secret = WebhookSecret {
                endpoint_id: rotated.endpoint.id.clone(),
                url: rotated.endpoint.url.clone(),
                secret: rotated.secret,
                previous_until: rotated.endpoint.previous_secret_until.clone(),
            };
            Request { state: &state, headers: &headers, extensions: &extensions }.page(&page, secret).await
        }
        Err(error) => error.into_response(),
    }
}
