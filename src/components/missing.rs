//! What a page shows in place of a thing it could not show (unknown, of
//! another project, or not the caller's to change), with the way back.

use leptos::prelude::*;

#[component]
pub fn Missing(
    /// "Key not found".
    title: &'static str,
    #[prop(into)] message: String,
    back: String,
    /// "Back to API Keys".
    back_label: &'static str,
) -> impl IntoView {
    view! {
        <section class="empty-state card">
            <h1>{title}</h1>
            <p class="muted">{message}</p>
            <a class="button" href=back>{back_label}</a>
        </section>
    }
}
