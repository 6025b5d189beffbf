//! `/projects/<slug>/audit-log`: who changed what in the project, when and
//! from where. Filters and paging live in the URL (`action`, `actor`,
//! `before`), so they work as a plain form and plain links too.

use crate::api::audit::audit_log;
use crate::components::shell::with_project;
use crate::components::table::{Col, DataTable};
use crate::domain::dates::to_the_minute;
use crate::domain::{
    describe_device, percent_encode, ActorKind, AuditAction, AuditActor, AuditEvent, Membership, Permission,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AuditLogPage() -> impl IntoView {
    view! {
        <Title text="Audit log" />
        {with_project(|project| {
            if project.role.grants(Permission::AuditRead) {
                view! { <AuditLog project=project /> }.into_any()
            } else {
                view! {
                    <section class="empty-state card">
                        <h1>"Audit log"</h1>
                        <p class="muted">"Only the project's owners and developers can see its audit log."</p>
                    </section>
                }
                    .into_any()
            }
        })}
    }
}

/// `?format=…&action=…&actor=…` with only the filters in use.
fn with_filters(base: &str, first: (&str, &str), action: Option<&str>, actor: Option<&str>) -> String {
    let mut href = format!("{base}?{}={}", first.0, percent_encode(first.1));
    for (name, value) in [("action", action), ("actor", actor)] {
        if let Some(value) = value {
            href.push_str(&format!("&{name}={}", percent_encode(value)));
        }
    }
    href
}

#[component]
fn AuditLog(project: Membership) -> impl IntoView {
    let query = use_query_map();
    let param = move |name: &str| query.with(|q| q.get(name).filter(|v| !v.is_empty()));
    let slug = project.slug.clone();
    let log = Resource::new(
        move || (param("action"), param("actor"), param("before")),
        move |(action, actor, before)| audit_log(slug.clone(), action, actor, before.and_then(|b| b.parse().ok())),
    );
    let base = format!("/projects/{}/audit-log", project.slug);
    let export = {
        let base = base.clone();
        move |format: &'static str| {
            let base = base.clone();
            move || {
                with_filters(
                    &format!("{base}/export"),
                    ("format", format),
                    param("action").as_deref(),
                    param("actor").as_deref(),
                )
            }
        }
    };

    view! {
        <header class="page-header">
            <div>
                <h1>"Audit log"</h1>
                <p class="muted">"Every change to this project's keys, members and settings: who made it, when, and from where."</p>
            </div>
            <div class="header-actions">
                <a class="button" href=export("csv") download>"Export CSV"</a>
                <a class="button" href=export("ndjson") download>"Export NDJSON"</a>
            </div>
        </header>
        <Transition fallback=|| view! { <div class="skeleton skeleton-block"></div> }>
            {move || {
                let base = base.clone();
                Suspend::new(async move {
                    match log.await {
                        Err(e) => view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }.into_any(),
                        Ok(page) => {
                            let filtered = param("action").is_some() || param("actor").is_some();
                            let older = page.next_cursor.map(|cursor| {
                                with_filters(&base, ("before", &cursor.to_string()), param("action").as_deref(), param("actor").as_deref())
                            });
                            let newest = param("before").map(|_| {
                                match (param("action"), param("actor")) {
                                    (None, None) => base.clone(),
                                    (action, actor) => with_filters(&base, ("action", action.as_deref().unwrap_or("")), None, actor.as_deref()),
                                }
                            });
                            let body = if page.events.is_empty() && !filtered && param("before").is_none() {
                                view! {
                                    <section class="empty-state card">
                                        <h2>"No activity yet"</h2>
                                        <p class="muted">"When someone creates or revokes a key, changes a member or renames the project, it is recorded here."</p>
                                    </section>
                                }
                                    .into_any()
                            } else if page.events.is_empty() {
                                view! { <p class="card empty-inline muted">"No events match."</p> }.into_any()
                            } else {
                                view! { <EventTable caption="Events" events=page.events /> }.into_any()
                            };
                            view! {
                                <Filters base=base.clone() actors=page.actors action=param("action") actor=param("actor") />
                                {body}
                                <nav class="pager" aria-label="Pages">
                                    {newest.map(|href| view! { <a class="button" href=href>"Newest"</a> })}
                                    {older.map(|href| view! { <a class="button" href=href>"Older"</a> })}
                                </nav>
                            }
                                .into_any()
                        }
                    }
                })
            }}
        </Transition>
    }
}

#[component]
fn Filters(base: String, actors: Vec<AuditActor>, action: Option<String>, actor: Option<String>) -> impl IntoView {
    let actions = AuditAction::ALL
        .into_iter()
        .map(|a| {
            let selected = action.as_deref() == Some(a.as_str());
            view! { <option value=a.as_str() selected=selected>{a.label()}</option> }
        })
        .collect_view();
    let people = actors
        .into_iter()
        .map(|a| {
            let selected = actor.as_deref() == Some(a.id.as_str());
            let label = match a.kind {
                ActorKind::User => a.name,
                ActorKind::ApiKey => format!("API key {}", a.name),
                ActorKind::App => format!("App (key {})", a.name),
                ActorKind::EndUser => format!("App user {}", a.name),
            };
            view! { <option value=a.id selected=selected>{label}</option> }
        })
        .collect_view();
    view! {
        <Form method="GET" action=base attr:class="toolbar" attr:role="search">
            <label class="visually-hidden" for="audit-action">"Action"</label>
            <select id="audit-action" name="action" class="select">
                <option value="">"All actions"</option>
                {actions}
            </select>
            <label class="visually-hidden" for="audit-actor">"Actor"</label>
            <select id="audit-actor" name="actor" class="select">
                <option value="">"Everyone"</option>
                {people}
            </select>
            <button type="submit" class="button">"Filter"</button>
        </Form>
    }
}

const EVENT_COLUMNS: &[Col] =
    &[Col::text("When"), Col::text("Actor"), Col::text("Action"), Col::text("Target"), Col::text("From")];

#[component]
pub fn EventTable(
    /// "Events" on the audit log, "History" on a key's page.
    caption: &'static str,
    events: Vec<AuditEvent>,
) -> impl IntoView {
    let rows = events
        .into_iter()
        .map(|e| {
            let when = to_the_minute(&e.at);
            let device = e.user_agent.as_deref().map(describe_device);
            view! {
                <tr>
                    <td class="nowrap">
                        <time datetime=e.at.clone() title=e.at.clone()>{when}</time>
                    </td>
                    <td>
                        {e.actor_name.clone()}
                        {match e.actor_kind {
                            ActorKind::User => None,
                            ActorKind::ApiKey => Some(view! { <span class="badge badge-inline">"API key"</span> }),
                            ActorKind::App => Some(view! { <span class="badge badge-inline">"App"</span> }),
                            ActorKind::EndUser => Some(view! { <span class="badge badge-inline">"App user"</span> }),
                        }}
                    </td>
                    <td class="nowrap">{match e.action { AuditAction::AppRecorded => e.action_name.clone(), action => action.label().to_string() }}</td>
                    <td>
                        <span class="audit-target">{e.target_name.clone()}</span>
                        {(!e.detail.is_empty()).then(|| view! { <span class="muted audit-detail">{e.detail.clone()}</span> })}
                    </td>
                    <td>
                        <span class="mono">{e.ip.clone().unwrap_or_default()}</span>
                        {device.map(|d| view! { <span class="muted audit-detail" title=e.user_agent.clone()>{d}</span> })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! { <DataTable caption=caption columns=EVENT_COLUMNS>{rows}</DataTable> }
}
