//! Page requests are answered with a redirect when the visitor's state says
//! they belong elsewhere: signed out on a dashboard page, or signed in on the
//! sign-in page. Server functions check on their own; this is for navigation.

use crate::actor::RequestSource;
use crate::auth::session;
use crate::domain::{percent_encode, safe_next, User};
use crate::error::AppError;
use crate::services::{self, Caller};
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

pub async fn layer(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if request.method() != Method::GET {
        return next.run(request).await;
    }
    let path = request.uri().path();
    let dashboard =
        path == "/" || path == "/projects" || path.starts_with("/projects/") || path.starts_with("/account/");
    let auth_page = path == "/sign-in" || path == "/sign-up";
    if !dashboard && !auth_page {
        return next.run(request).await;
    }
    let Some(session) = request.extensions().get::<Session>().cloned() else {
        return next.run(request).await;
    };
    let ip = state.config.client_ip(request.headers(), request.extensions()).to_string();
    let signed_in = match session::current(&session, &*state.store, &state.config, Some(ip)).await {
        Ok(user) => user.is_some(),
        Err(error) => return error.into_response(),
    };
    match (signed_in, dashboard) {
        (false, true) => {
            let target = request.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/");
            let next: String = form_urlencoded::byte_serialize(target.as_bytes()).collect();
            Redirect::to(&format!("/sign-in?next={next}")).into_response()
        }
        (true, false) => {
            let next = request
                .uri()
                .query()
                .and_then(|q| form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == "next").map(|(_, v)| v))
                .map(|v| safe_next(&v))
                .unwrap_or_else(|| "/".to_string());
            Redirect::to(&next).into_response()
        }
        _ => next.run(request).await,
    }
}

/// The signed-in member of the project at `slug` for a plain-form route
/// (see `services::signed_in_member`), or the response to send instead:
/// the sign-in page (coming back to `back`), 404.
pub(super) async fn member(
    state: &AppState,
    session: &Session,
    source: RequestSource,
    slug: &str,
    back: &str,
) -> Result<(User, Caller), Response> {
    match services::signed_in_member(state, session, source, slug).await {
        Ok(found) => Ok(found),
        Err(AppError::Unauthenticated) => {
            Err(Redirect::to(&format!("/sign-in?next={}", percent_encode(back))).into_response())
        }
        Err(error) => Err(error.into_response()),
    }
}
