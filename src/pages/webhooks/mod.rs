//! `/projects/<slug>/webhooks`: where the project's events are sent. The
//! endpoints with their status and success rate; owners and developers add
//! one (`?new=1`, a plain form answered with the secret, shown once).
//!
//! `form`: the endpoint form's fields, status and the secret's reveal;
//! `detail`: an endpoint's page with its deliveries.

mod detail;
mod form;

pub use detail::WebhookPage;

use crate::api::webhooks::list_webhooks;
use crate::components::answer::use_answer;
use crate::components::shell::with_project;
use crate::components::table::{Col, DataTable};
use crate::domain::dates::to_the_minute;
use crate::domain::webhooks::{WebhookEndpoint, WebhookFormRefusal, WebhookSecret, WebhooksView};
use crate::domain::{percent_encode, Membership, Permission};
use crate::islands::dialog::Modal;
use form::{events_text, EndpointFields, EndpointStatus, SecretReveal};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn WebhooksPage() -> impl IntoView {
    view! {
        <Title text="Webhooks" />
        {with_project(|project| view! { <Webhooks project=project /> })}
    }
}

#[component]
fn Webhooks(project: Membership) -> impl IntoView {
    let query = use_query_map();
    let flag = move |name: &str| query.with_untracked(|q| q.get(name).is_some());
    let slug = project.slug.clone();
    let page = Resource::new(|| (), move |_| list_webhooks(slug.clone()));
    let base = format!("/projects/{}/webhooks", project.slug);
    let can_write = project.role.grants(Permission::WebhooksManage);
    let dialog = match (can_write, use_answer::<WebhookSecret>(), use_answer::<WebhookFormRefusal>()) {
        (true, Some(secret), _) => Some(view! { <SecretReveal secret=secret back=base.clone() /> }.into_any()),
        (true, None, refused) if refused.is_some() || flag("new") => {
            Some(view! { <AddDialog slug=project.slug.clone() refused=refused /> }.into_any())
        }
        _ => None,
    };
    view! {
        <header class="page-header">
            <div>
                <h1>"Webhooks"</h1>
                <p class="muted">
                    "Where " <strong>{project.name.clone()}</strong>
                    " sends its events: a user signs up, a session ends, someone joins an organization. Each delivery is signed, retried until your app takes it, and sent in order."
                </p>
            </div>
            {can_write
                .then(|| {
                    view! {
                        <div class="header-actions">
                            <a class="button button-primary" href=format!("{base}?new=1")>"Add endpoint"</a>
                        </div>
                    }
                })}
        </header>
        {flag("deleted").then(|| view! { <p class="alert alert-success" role="status">"Endpoint deleted."</p> })}
        {dialog}
        <Transition fallback=|| view! { <div class="skeleton skeleton-block"></div> }>
            {
                let base = base.clone();
                move || {
                    let base = base.clone();
                    Suspend::new(async move {
                        match page.await {
                            Err(e) => view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }.into_any(),
                            Ok(view) => view! { <Listing view=view base=base /> }.into_any(),
                        }
                    })
                }
            }
        </Transition>
    }
}

#[component]
fn AddDialog(slug: String, refused: Option<WebhookFormRefusal>) -> impl IntoView {
    let back = format!("/projects/{slug}/webhooks");
    let (url, events, error) = match refused {
        Some(r) => (r.url, r.events, Some(r.message)),
        None => (String::new(), Vec::new(), None),
    };
    let post_to = format!("{back}/new");
    view! {
        <Modal back=back.clone() labelledby="add-webhook-title".to_string()>
            <form class="form" method="post" action=post_to>
                <h2 id="add-webhook-title">"Add endpoint"</h2>
                <p class="muted">"Banata sends a POST with a signed JSON body for every event you choose."</p>
                <EndpointFields url=url events=events error=error />
                <div class="dialog-actions">
                    <a class="button" href=back data-close>"Cancel"</a>
                    <button type="submit" class="button button-primary" data-busy="Adding…">"Add endpoint"</button>
                </div>
            </form>
        </Modal>
    }
}

#[component]
fn Listing(view: WebhooksView, base: String) -> impl IntoView {
    if view.endpoints.is_empty() {
        let hint = match view.can_change {
            true => "Add an endpoint to hear about sign-ups, sessions, organizations and keys as they happen.",
            false => "An owner or developer of this project can add one.",
        };
        return view! {
            <section class="empty-state card">
                <h2>"No endpoints yet"</h2>
                <p class="muted">{hint}</p>
            </section>
        }
        .into_any();
    }
    let rows =
        view.endpoints.into_iter().map(|e| view! { <EndpointRow endpoint=e base=base.clone() /> }).collect_view();
    view! { <DataTable caption="Webhook endpoints" columns=COLUMNS>{rows}</DataTable> }.into_any()
}

const COLUMNS: &[Col] = &[
    Col::text("Endpoint"),
    Col::text("Events"),
    Col::text("Status"),
    Col::text("Success"),
    Col::text("Last delivery"),
];

#[component]
fn EndpointRow(endpoint: WebhookEndpoint, base: String) -> impl IntoView {
    let href = format!("{base}/{}", percent_encode(&endpoint.id));
    let rate = endpoint.success_rate().map_or_else(|| "–".to_string(), |r| format!("{r} %"));
    let last = endpoint.last_delivery_at.as_deref().map(to_the_minute).unwrap_or_else(|| "Never".to_string());
    view! {
        <tr>
            <th scope="row" class="url-cell"><a href=href class="mono">{endpoint.url.clone()}</a></th>
            <td class="muted">{events_text(&endpoint)}</td>
            <td><EndpointStatus endpoint=endpoint.clone() /></td>
            <td>{rate}</td>
            <td class="muted nowrap">{last}</td>
        </tr>
    }
}
