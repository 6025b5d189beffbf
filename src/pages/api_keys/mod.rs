//! `/projects/<slug>/api-keys`: the project's keys. List, search and page
//! through them; create one (shown once); roll or revoke one.
//!
//! The page state lives in the URL (`q`, `revoked`, `after`, `new`, `roll`, `revoke`)
//! so that every control also works as a plain link or form without
//! JavaScript; with it, the dialogs open in place.
//!
//! `list`: the table and its rows; `create`, `roll`, `revoke`: the dialogs;
//! `dialog`: what the dialogs share.

mod create;
mod dialog;
mod list;
mod revoke;
mod roll;

use crate::api::keys::{list_keys, CreateKey, RevokeKey, RollKey};
use crate::components::shell::{use_project, with_project};
use crate::domain::{ApiKey, Membership, Role};
use create::CreateDialog;
use leptos::html;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
use list::{EmptyState, KeyTable, RowTargets};
use revoke::RevokeDialog;
use roll::RollDialog;

#[component]
pub fn ApiKeysPage() -> impl IntoView {
    view! {
        <Title text="API Keys" />
        {with_project(|project| view! { <Keys project=project /> })}
    }
}

#[component]
fn Keys(project: Membership) -> impl IntoView {
    let query = use_query_map();
    let param = move |name: &str| query.with(|q| q.get(name).filter(|v| !v.is_empty()));
    let create = ServerAction::<CreateKey>::new();
    let revoke = ServerAction::<RevokeKey>::new();
    let roll = ServerAction::<RollKey>::new();
    let slug = project.slug.clone();
    let keys = Resource::new(
        move || {
            let versions = (create.version().get(), revoke.version().get(), roll.version().get());
            (param("q"), param("revoked").is_some(), param("after"), versions)
        },
        {
            let slug = slug.clone();
            move |(search, revoked, after, _): (Option<String>, bool, Option<String>, (usize, usize, usize))| {
                list_keys(slug.clone(), search, Some(revoked), after)
            }
        },
    );
    // The sidebar's count of keys expiring soon follows every change here.
    let shell = use_project();
    Effect::new(move |_| {
        let changes = create.version().get() + revoke.version().get() + roll.version().get();
        if changes > 0 {
            shell.expiring.refetch();
        }
    });
    let can_write = project.role.allows(Role::Developer);
    let base = format!("/projects/{}/api-keys", project.slug);
    // The key being revoked, chosen from its row.
    let revoking = RwSignal::new(None::<ApiKey>);
    let rolling = RwSignal::new(None::<ApiKey>);
    let create_dialog = NodeRef::<html::Dialog>::new();
    let revoke_dialog_ref = NodeRef::<html::Dialog>::new();
    let roll_dialog_ref = NodeRef::<html::Dialog>::new();

    let open_create = move |ev: leptos::ev::MouseEvent| {
        if let Some(dialog) = create_dialog.get() {
            ev.prevent_default();
            let _ = dialog.show_modal();
        }
    };

    view! {
        <header class="page-header">
            <div>
                <h1>"API Keys"</h1>
                <p class="muted">
                    "Keys for " <strong>{project.name.clone()}</strong> " · project id "
                    <code class="mono">{project.project_id.clone()}</code>
                </p>
            </div>
            {can_write
                .then(|| {
                    view! {
                        <div class="header-actions">
                            <a class="button" href=format!("/projects/{}/test-key", project.slug)>"Test a key"</a>
                            <a class="button button-primary" href=format!("{base}?new=1") on:click=open_create>
                                "Create new key"
                            </a>
                        </div>
                    }
                })}
        </header>

        <Form method="GET" action=base.clone() attr:class="toolbar" attr:role="search">
            <label class="visually-hidden" for="key-search">"Search keys by name"</label>
            <input
                id="key-search"
                class="search-input"
                type="search"
                name="q"
                placeholder="Search by name"
                maxlength="100"
                value=move || param("q").unwrap_or_default()
            />
            <label class="checkbox">
                <input type="checkbox" name="revoked" value="1" checked=move || param("revoked").is_some() />
                "Show revoked"
            </label>
            <button type="submit" class="button">"Search"</button>
        </Form>

        <Transition fallback=|| view! { <div class="skeleton skeleton-block"></div> }>
            {
                let base = base.clone();
                let slug = slug.clone();
                move || {
                    let base = base.clone();
                    let slug = slug.clone();
                    Suspend::new(async move {
                        match keys.await {
                            Err(e) => view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }.into_any(),
                            Ok(page) if page.keys.is_empty() && param("q").is_none() && param("after").is_none() => {
                                view! { <EmptyState can_write=can_write base=base open=open_create /> }.into_any()
                            }
                            Ok(page) if page.keys.is_empty() => view! {
                                <p class="card empty-inline muted">"No keys match."</p>
                            }
                                .into_any(),
                            Ok(page) => {
                                let next = page.next_cursor.map(|cursor| {
                                    let mut link = format!("{base}?after={cursor}");
                                    if let Some(q) = param("q") {
                                        link.push_str(&format!("&q={}", crate::domain::percent_encode(&q)));
                                    }
                                    if param("revoked").is_some() {
                                        link.push_str("&revoked=1");
                                    }
                                    link
                                });
                                let dialogs = can_write.then(|| {
                                    view! {
                                        <RevokeDialog slug=slug.clone() action=revoke dialog=revoke_dialog_ref revoking=revoking keys=page.keys.clone() />
                                    }
                                });
                                let targets = RowTargets { revoking, revoke_dialog: revoke_dialog_ref, rolling, roll_dialog: roll_dialog_ref };
                                view! {
                                    <KeyTable keys=page.keys can_write=can_write base=base.clone() targets=targets />
                                    {dialogs}
                                    <nav class="pager" aria-label="Pages">
                                        {param("after").map(|_| view! { <a class="button" href=base.clone()>"First page"</a> })}
                                        {next.map(|href| view! { <a class="button" href=href>"Next page"</a> })}
                                    </nav>
                                }
                                    .into_any()
                            }
                        }
                    })
                }
            }
        </Transition>

        {can_write
            .then(|| {
                view! {
                    <CreateDialog project=project.clone() action=create dialog=create_dialog open=param("new").is_some() />
                    // Outside the list: it must outlive the list's reload to show the new key.
                    <RollDialog slug=project.slug.clone() action=roll dialog=roll_dialog_ref rolling=rolling keys=keys />
                }
            })}
    }
}
