//! `/projects/<slug>/api-keys`: the project's keys.

use crate::components::shell::with_project;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ApiKeysPage() -> impl IntoView {
    view! {
        <Title text="API Keys" />
        {with_project(|project| {
            view! {
                <header class="page-header">
                    <div>
                        <h1>"API Keys"</h1>
                        <p class="muted">
                            "Keys for " <strong>{project.name.clone()}</strong> " · project id "
                            <code class="mono">{project.project_id.clone()}</code>
                        </p>
                    </div>
                </header>
                <section class="empty-state card">
                    <h2>"Connect your application"</h2>
                    <p class="muted">
                        "An API key links your application to this project: every request it sends carries the key, and the key alone decides which project it acts on."
                    </p>
                    <p class="muted">"Creating keys arrives in the next release of this dashboard."</p>
                </section>
            }
        })}
    }
}
