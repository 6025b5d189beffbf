use leptos::prelude::*;
use leptos_meta::Title;

/// Answers 404 on the server and says so plainly.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Not found" />
        <main class="auth-page">
            <div class="auth-card empty-state">
                <h1>"Page not found"</h1>
                <p class="muted">"This page does not exist, or you do not have access to it."</p>
                <a class="button button-primary" href="/">"Go to your dashboard"</a>
            </div>
        </main>
    }
}
