//! `/projects/<slug>/api-keys`: the project's keys.

use crate::components::shell::{current_project, use_slug, ViewerResource};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ApiKeysPage() -> impl IntoView {
    let ViewerResource(viewer) = expect_context::<ViewerResource>();
    let slug = use_slug();
    view! {
        <Title text="API Keys" />
        <Suspense fallback=|| view! { <div class="skeleton skeleton-block"></div> }>
            {move || Suspend::new(async move {
                let project = viewer.await.ok().and_then(|v| current_project(&v, &slug.get()));
                match project {
                    Some(project) => view! {
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
                        .into_any(),
                    None => view! { <ProjectNotFound /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// A project that does not exist and one the user is not a member of look the same.
#[component]
fn ProjectNotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <section class="empty-state card">
            <h1>"Project not found"</h1>
            <p class="muted">"This project does not exist, or you are not a member of it."</p>
            <a class="button button-primary" href="/">"Go to your projects"</a>
        </section>
    }
}
