//! Creating a key without JavaScript. A plain form cannot receive a server
//! function's return value (it is answered with a redirect), so this handler
//! answers the POST with the reveal page itself. The key is in that one
//! response only: `no-store`, and a reload re-posts rather than re-shows.

use crate::api::keys;
use crate::auth::{accounts, session};
use crate::components::reveal::KeyReveal;
use crate::domain::Role;
use crate::error::AppError;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use leptos::prelude::*;
use serde::Deserialize;
use tower_sessions::Session;

#[derive(Deserialize)]
pub struct NewKeyForm {
    name: String,
    #[serde(default)]
    expires: String,
    expires_on: Option<String>,
}

pub async fn create(
    State(state): State<AppState>,
    session: Session,
    Path(slug): Path<String>,
    Form(form): Form<NewKeyForm>,
) -> Response {
    let list = format!("/projects/{slug}/api-keys");
    let user = match session::user_id(&session, state.config.session_absolute_timeout).await {
        Ok(Some(id)) => state.store.user_by_id(&id).await.ok().flatten(),
        _ => None,
    };
    let Some(user) = user else {
        return Redirect::to(&format!("/sign-in?next={}", crate::components::shell::percent_encode(&list)))
            .into_response();
    };
    let project = match accounts::membership(&*state.store, &user.id, &slug, Role::Developer).await {
        Ok(project) => project,
        Err(error) => return error.into_response(),
    };
    match keys::create(&state, &user, &project, &form.name, &form.expires, form.expires_on.as_deref()).await {
        Ok(created) => {
            let owner = Owner::new();
            let body = owner.with(|| {
                let name = created.key.name.clone();
                view! {
                    <main class="auth-page">
                        <div class="auth-card reveal-page">
                            <KeyReveal name=name secret=created.secret.clone()>
                                <a class="button button-primary" href=list.clone()>"Done"</a>
                            </KeyReveal>
                        </div>
                    </main>
                }
                .to_html()
            });
            let page = format!(
                "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
                 <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
                 <meta name=\"color-scheme\" content=\"light dark\">\
                 <title>Your new key · Banata</title>\
                 <link rel=\"stylesheet\" href=\"/pkg/banata.css\"></head><body>{body}</body></html>"
            );
            ([(header::CACHE_CONTROL, "no-store")], Html(page)).into_response()
        }
        Err(AppError::Invalid(errors)) => {
            let message = errors.first().map(|e| e.message.as_str()).unwrap_or("Check the form.");
            let query: String = form_urlencoded::Serializer::new(String::new())
                .append_pair("new", "1")
                .append_pair("error", message)
                .append_pair("name", &form.name)
                .finish();
            Redirect::to(&format!("{list}?{query}")).into_response()
        }
        Err(error) => error.into_response(),
    }
}
