//! `/projects/<slug>/api-keys/<id>`: one key. Its masked value, who made it,
//! what it may do, when it was used, its requests per day, what happened to
//! it, and a rename form.

use super::audit_log::EventTable;
use super::auth_layout::{action_error, FormAlert};
use crate::api::keys::{get_key, RenameKey};
use crate::components::field::Field;
use crate::components::key_status::{KeyAccess, KeyExpiry, KeyStatusLabel, Wording};
use crate::components::missing::Missing;
use crate::components::shell::with_project;
use crate::components::usage_chart::UsageChart;
use crate::domain::dates::{date_only, to_the_minute};
use crate::domain::{ApiKey, KeyStatus, Membership, Permission, USAGE_DAYS};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn KeyDetailPage() -> impl IntoView {
    view! {
        <Title text="API key" />
        {with_project(|project| view! { <KeyDetailView project=project /> })}
    }
}

#[component]
fn KeyDetailView(project: Membership) -> impl IntoView {
    let params = use_params_map();
    let rename = ServerAction::<RenameKey>::new();
    let slug = project.slug.clone();
    let detail = Resource::new(
        move || params.read().get("key_id").unwrap_or_default(),
        move |key_id| get_key(slug.clone(), key_id),
    );
    let list = format!("/projects/{}/api-keys", project.slug);
    let can_write = project.role.grants(Permission::ApiKeyCreate);
    let sees_events = can_write;
    view! {
        <nav class="breadcrumbs" aria-label="Breadcrumb">
            <a href=list.clone()>"API Keys"</a>
        </nav>
        <Transition fallback=|| view! { <div class="skeleton skeleton-block"></div> }>
            {move || {
                let list = list.clone();
                let slug = project.slug.clone();
                Suspend::new(async move {
                    match detail.await {
                        Err(e) => view! {
                            <Missing title="Key not found" message=e.to_string() back=list back_label="Back to API Keys" />
                        }
                            .into_any(),
                        Ok(detail) => {
                            let key = detail.key.clone();
                            let renamable = can_write && key.status != KeyStatus::Revoked;
                            view! {
                                <header class="page-header">
                                    <div>
                                        <h1>{key.name.clone()}</h1>
                                        <p class="muted mono">{key.masked()}</p>
                                    </div>
                                </header>
                                <KeyFacts key=key.clone() list=list.clone() />
                                <section class="card form-card" aria-labelledby="usage-title">
                                    <h2 id="usage-title">{format!("Requests, last {USAGE_DAYS} days")}</h2>
                                    <UsageChart days=key.daily_requests.clone() width=600 height=120 />
                                    <p class="muted">
                                        {format!("{} in total. Counted per day in UTC; written every few seconds.", key.daily_requests.iter().sum::<i64>())}
                                    </p>
                                </section>
                                {renamable.then(|| view! { <RenameForm slug=slug.clone() key=key.clone() action=rename /> })}
                                {sees_events.then(|| view! {
                                    <section aria-labelledby="events-title">
                                        <h2 id="events-title" class="section-title">"History"</h2>
                                        <EventTable caption="History of this key" events=detail.events.clone() />
                                    </section>
                                })}
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
fn KeyFacts(key: ApiKey, list: String) -> impl IntoView {
    let link = |id: Option<String>| {
        id.map(|id| {
            let href = format!("{list}/{id}");
            view! { <a class="mono" href=href>{id}</a> }
        })
    };
    view! {
        <dl class="card facts">
            <div><dt>"Status"</dt><dd><KeyStatusLabel key=key.clone() wording=Wording::Facts /></dd></div>
            <div><dt>"Access"</dt><dd><KeyAccess key=key.clone() wording=Wording::Facts /></dd></div>
            <div><dt>"Created"</dt><dd>{format!("{} by {}", date_only(&key.created_at), key.created_by)}</dd></div>
            <div>
                <dt>"Last used"</dt>
                <dd>{key.last_used_at.as_deref().map(to_the_minute).unwrap_or_else(|| "Never".into())}</dd>
            </div>
            <div><dt>"Expires"</dt><dd><KeyExpiry key=key.clone() wording=Wording::Facts /></dd></div>
            <div><dt>"Id"</dt><dd class="mono">{key.id.clone()}</dd></div>
            {key.replaced_by.clone().map(|id| view! { <div><dt>"Replaced by"</dt><dd>{link(Some(id))}</dd></div> })}
            {key.replaces.clone().map(|id| view! { <div><dt>"Replaces"</dt><dd>{link(Some(id))}</dd></div> })}
        </dl>
    }
}

#[component]
fn RenameForm(slug: String, key: ApiKey, action: ServerAction<RenameKey>) -> impl IntoView {
    let error = action_error(action);
    let field = Signal::derive(move || error.get().and_then(|e| e.field_message("name")));
    view! {
        <section class="card form-card" aria-labelledby="rename-title">
            <h2 id="rename-title">"Rename"</h2>
            <p class="muted">"The key itself does not change; only the name people see."</p>
            <ActionForm action=action attr:class="form form-inline">
                <FormAlert error=error />
                <input type="hidden" name="slug" value=slug />
                <input type="hidden" name="key_id" value=key.id.clone() />
                <Field label="Name" name="name" maxlength=100 value=key.name.clone() error=field />
                <div class="form-actions">
                    <button type="submit" class="button" data-busy="Saving…">
                        "Save name"
                    </button>
                </div>
            </ActionForm>
        </section>
    }
}
