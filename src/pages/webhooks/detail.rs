//! `/projects/<slug>/webhooks/<id>`: one endpoint. Its recent deliveries
//! (event, status, HTTP code, duration, next retry), one opened
//! (`?delivery=`) with the body sent and the receiver's answer and Resend;
//! Send test event; edit, disable, rotate the secret, and delete behind a
//! confirm that names it. Owners and developers act, viewers look.

use super::form::{events_text, EndpointFields, EndpointStatus, SecretReveal};
use crate::api::webhooks::{get_webhook, DeleteWebhook, ResendWebhookDelivery, SendTestWebhook, SetWebhookEnabled};
use crate::components::answer::use_answer;
use crate::components::shell::with_project;
use crate::components::table::{Col, DataTable};
use crate::domain::dates::to_the_minute;
use crate::domain::webhooks::{
    WebhookDelivery, WebhookDeliveryDetail, WebhookDetailView, WebhookFormRefusal, WebhookSecret,
};
use crate::domain::{percent_encode, Membership};
use crate::islands::confirm::Confirm;
use crate::pages::auth_layout::{action_error, FormAlert};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn WebhookPage() -> impl IntoView {
    view! {
        <Title text="Webhook endpoint" />
        {with_project(|project| view! { <Endpoint project=project /> })}
    }
}

/// The actions of this page, shared by its parts.
#[derive(Clone, Copy)]
struct Actions {
    enable: ServerAction<SetWebhookEnabled>,
    delete: ServerAction<DeleteWebhook>,
    test: ServerAction<SendTestWebhook>,
    resend: ServerAction<ResendWebhookDelivery>,
}

#[component]
fn Endpoint(project: Membership) -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.with(|p| p.get("endpoint_id").unwrap_or_default());
    let opened = move || query.with(|q| q.get("delivery"));
    let actions = Actions {
        enable: ServerAction::new(),
        delete: ServerAction::new(),
        test: ServerAction::new(),
        resend: ServerAction::new(),
    };
    let slug = project.slug.clone();
    let data = Resource::new(
        move || {
            let versions =
                [actions.enable.version().get(), actions.test.version().get(), actions.resend.version().get()];
            (id(), opened(), versions)
        },
        move |(id, opened, _)| get_webhook(slug.clone(), id, opened),
    );
    let error = Signal::derive(move || {
        [
            action_error(actions.enable),
            action_error(actions.delete),
            action_error(actions.test),
            action_error(actions.resend),
        ]
        .into_iter()
        .find_map(|e| e.get())
    });
    let list = format!("/projects/{}/webhooks", project.slug);
    view! {
        <nav class="breadcrumbs" aria-label="Breadcrumb">
            <a href=list>"Webhooks"</a>
        </nav>
        <FormAlert error=error />
        <Transition fallback=|| view! { <div class="skeleton skeleton-block"></div> }>
            {
                let slug = project.slug.clone();
                move || {
                    let slug = slug.clone();
                    Suspend::new(async move {
                        match data.await {
                            Err(e) => view! {
                                <h1>"Webhook endpoint"</h1>
                                <div class="alert alert-error" role="alert">{e.to_string()}</div>
                            }
                                .into_any(),
                            Ok(view) => view! { <Detail view=view slug=slug actions=actions /> }.into_any(),
                        }
                    })
                }
            }
        </Transition>
    }
}

#[component]
fn Detail(view: WebhookDetailView, slug: String, actions: Actions) -> impl IntoView {
    let query = use_query_map();
    let notice = query.with_untracked(|q| {
        [("saved", "Saved."), ("sent", "Test event sent."), ("resent", "Queued to send again.")]
            .into_iter()
            .find(|(flag, _)| q.get(flag).is_some())
            .map(|(_, text)| text)
    });
    let endpoint = view.endpoint.clone();
    let page = format!("/projects/{slug}/webhooks/{}", percent_encode(&endpoint.id));
    let reveal = use_answer::<WebhookSecret>().map(|secret| view! { <SecretReveal secret=secret back=page.clone() /> });
    let refused = use_answer::<WebhookFormRefusal>();
    let can = view.can_change;
    let rows =
        view.deliveries.iter().cloned().map(|d| view! { <DeliveryRow delivery=d page=page.clone() /> }).collect_view();
    let rate = endpoint
        .success_rate()
        .map_or_else(|| "no deliveries yet".to_string(), |r| format!("{r} % of attempts succeeded"));
    view! {
        {reveal}
        <header class="page-header">
            <div>
                <h1 class="mono url-title">{endpoint.url.clone()}</h1>
                <p class="muted">
                    <EndpointStatus endpoint=endpoint.clone() /> " · " {events_text(&endpoint)} " · " {rate}
                </p>
            </div>
            {can.then(|| view! { <HeaderActions view=view.clone() slug=slug.clone() actions=actions /> })}
        </header>
        {notice.map(|text| view! { <p class="alert alert-success" role="status">{text}</p> })}
        {view.opened.clone().map(|d| view! { <Opened detail=d slug=slug.clone() page=page.clone() can=can actions=actions /> })}
        <h2 class="section-title">"Recent deliveries"</h2>
        {match view.deliveries.is_empty() {
            true => view! { <p class="card empty-inline muted">"Nothing sent yet. Send a test event to try it."</p> }.into_any(),
            false => view! { <DataTable caption="Recent deliveries" columns=DELIVERY_COLUMNS>{rows}</DataTable> }.into_any(),
        }}
        {can.then(|| view! { <Settings view=view.clone() slug=slug.clone() refused=refused.clone() actions=actions /> })}
    }
}

#[component]
fn HeaderActions(view: WebhookDetailView, slug: String, actions: Actions) -> impl IntoView {
    let id = view.endpoint.id.clone();
    let (label, next) = match view.endpoint.enabled {
        true => ("Disable", "false"),
        false => ("Enable", "true"),
    };
    let (slug2, id2) = (slug.clone(), id.clone());
    view! {
        <div class="header-actions">
            <ActionForm action=actions.enable attr:class="inline-form">
                <input type="hidden" name="slug" value=slug2 />
                <input type="hidden" name="endpoint_id" value=id2 />
                <input type="hidden" name="enabled" value=next />
                <button type="submit" class="button">{label}</button>
            </ActionForm>
            <ActionForm action=actions.test attr:class="inline-form">
                <input type="hidden" name="slug" value=slug />
                <input type="hidden" name="endpoint_id" value=id />
                <button type="submit" class="button button-primary" data-busy="Sending…">"Send test event"</button>
            </ActionForm>
        </div>
    }
}

const DELIVERY_COLUMNS: &[Col] = &[
    Col::text("Event"),
    Col::text("Status"),
    Col::text("HTTP"),
    Col::text("Duration"),
    Col::text("Attempts"),
    Col::text("Next retry"),
    Col::text("Created"),
];

fn status_badge(status: &str) -> impl IntoView {
    let (class, text) = match status {
        "succeeded" => ("status status-active", "Succeeded"),
        "failed" => ("status status-banned", "Failed"),
        _ => ("status status-expired", "Pending"),
    };
    view! { <span class=class>{text}</span> }
}

#[component]
fn DeliveryRow(delivery: WebhookDelivery, page: String) -> impl IntoView {
    let href = format!("{page}?delivery={}", percent_encode(&delivery.id));
    let dash = || "–".to_string();
    view! {
        <tr>
            <th scope="row">
                <a href=href>{delivery.event_type.clone()}</a>
                <span class="muted key-link mono">{delivery.event_id.clone()}</span>
            </th>
            <td>{status_badge(&delivery.status)}</td>
            <td>{delivery.last_http_status.map_or_else(dash, |s| s.to_string())}</td>
            <td class="nowrap">{delivery.last_duration_ms.map_or_else(dash, |ms| format!("{ms} ms"))}</td>
            <td>{delivery.attempts}</td>
            <td class="muted nowrap">{delivery.next_attempt_at.as_deref().map_or_else(dash, to_the_minute)}</td>
            <td class="muted nowrap" title=delivery.created_at.clone()>{to_the_minute(&delivery.created_at)}</td>
        </tr>
    }
}

/// The delivery opened: what was sent, what came back, and Resend.
#[component]
fn Opened(detail: WebhookDeliveryDetail, slug: String, page: String, can: bool, actions: Actions) -> impl IntoView {
    let d = detail.delivery.clone();
    let body = detail.body.clone();
    let answer = match (d.last_http_status, &d.last_error) {
        (Some(status), _) => format!("HTTP {status}"),
        (None, Some(error)) => error.clone(),
        (None, None) => "Not tried yet.".to_string(),
    };
    let resend = can.then(|| {
        let (s, id) = (slug.clone(), d.id.clone());
        view! {
            <ActionForm action=actions.resend attr:class="inline-form">
                <input type="hidden" name="slug" value=s />
                <input type="hidden" name="delivery_id" value=id />
                <button type="submit" class="button" data-busy="Queuing…">"Resend"</button>
            </ActionForm>
        }
    });
    view! {
        <section class="card delivery-detail" aria-labelledby="delivery-title">
            <div class="card-header">
                <h2 id="delivery-title">{d.event_type.clone()} " " <span class="muted mono">{d.id.clone()}</span></h2>
                <div class="header-actions">
                    {resend}
                    <a class="button" href=page>"Close"</a>
                </div>
            </div>
            <h3>"Request body"</h3>
            <pre class="code-block" tabindex="0">{body}</pre>
            <h3>"Response: " {answer}</h3>
            <pre class="code-block" tabindex="0">{detail.last_response.unwrap_or_default()}</pre>
        </section>
    }
}

#[component]
fn Settings(
    view: WebhookDetailView,
    slug: String,
    refused: Option<WebhookFormRefusal>,
    actions: Actions,
) -> impl IntoView {
    let endpoint = view.endpoint;
    let base = format!("/projects/{slug}/webhooks/{}", percent_encode(&endpoint.id));
    let (url, events, error) = match refused {
        Some(r) => (r.url, r.events, Some(r.message)),
        None => (endpoint.url.clone(), endpoint.event_types.clone(), None),
    };
    let delete_label = "Delete endpoint";
    view! {
        <section class="card form-card" aria-labelledby="edit-webhook-title">
            <h2 id="edit-webhook-title">"Endpoint"</h2>
            <form class="form" method="post" action=format!("{base}/edit")>
                <EndpointFields url=url events=events error=error />
                <div class="form-actions">
                    <button type="submit" class="button button-primary" data-busy="Saving…">"Save"</button>
                </div>
            </form>
        </section>
        <section class="card form-card" aria-labelledby="rotate-title">
            <h2 id="rotate-title">"Signing secret"</h2>
            <p class="muted">"Rotate it when it may have leaked, or on a schedule. The new secret is shown once."</p>
            <form class="form form-row" method="post" action=format!("{base}/rotate")>
                <div class="field">
                    <label for="field-grace">"The old secret keeps signing for"</label>
                    <select id="field-grace" name="grace" class="select">
                        <option value="0">"No time: stop now"</option>
                        <option value="3600">"1 hour"</option>
                        <option value="86400" selected>"24 hours"</option>
                        <option value="604800">"7 days"</option>
                    </select>
                </div>
                <div class="form-actions">
                    <button type="submit" class="button" data-busy="Rotating…">"Rotate secret"</button>
                </div>
            </form>
        </section>
        <section class="card danger-zone" aria-labelledby="delete-webhook-title">
            <div>
                <h2 id="delete-webhook-title">"Delete this endpoint"</h2>
                <p class="muted">"Deliveries still waiting for it are dropped. This cannot be undone."</p>
            </div>
            <Confirm label=delete_label question=format!("Delete the endpoint {}?", endpoint.url)>
                <ActionForm action=actions.delete>
                    <input type="hidden" name="slug" value=slug />
                    <input type="hidden" name="endpoint_id" value=endpoint.id.clone() />
                    <button type="submit" class="button button-danger">{delete_label}</button>
                </ActionForm>
            </Confirm>
        </section>
    }
}
