//! `/projects/<slug>/api-keys`: the project's keys. List, search and page
//! through them; create one (shown once); roll or revoke one.
//!
//! The page state lives in the URL (`q`, `revoked`, `after`, `new`, `roll`, `revoke`):
//! every control is a plain link or form, and a dialog is this page rendered
//! with it open (made modal in the browser by `islands::dialog`).
//!
//! `list`: the table and its rows; `create`, `roll`, `revoke`: the dialogs;
//! `dialog`: what the dialogs share.

mod create;
mod dialog;
mod list;
mod revoke;
mod roll;

use crate::api::keys::{list_keys, RevokeKey};
use crate::components::answer::use_answer;
use crate::components::shell::with_project;
use crate::domain::{CreatedKey, Membership, Permission};
use crate::pages::auth_layout::{action_error, FormAlert};
use create::CreateDialog;
use dialog::NewKeyReveal;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
use list::{EmptyState, KeyTable};
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
    // Reads a refused revoke from the URL (the form posts to it).
    let revoke = ServerAction::<RevokeKey>::new();
    let slug = project.slug.clone();
    let keys = Resource::new(move || (param("q"), param("revoked").is_some(), param("after")), {
        let slug = slug.clone();
        move |(search, revoked, after): (Option<String>, bool, Option<String>)| {
            list_keys(slug.clone(), search, Some(revoked), after)
        }
    });
    let can_write = project.role.grants(Permission::ApiKeyCreate);
    let base = format!("/projects/{}/api-keys", project.slug);
    // A key created or rolled a moment ago: this page answers that form.
    let created = use_answer::<CreatedKey>();
    let dialog = match (can_write, created) {
        (true, Some(done)) => Some(view! { <NewKeyReveal done=done back=base.clone() /> }.into_any()),
        (true, None) if param("new").is_some() => Some(view! { <CreateDialog project=project.clone() /> }.into_any()),
        _ => None,
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
                            <a class="button button-primary" href=format!("{base}?new=1")>
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

        <FormAlert error=action_error(revoke) />
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
                                view! { <EmptyState can_write=can_write base=base /> }.into_any()
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
                                // The row's dialog the URL asks for (`?revoke=<id>`, `?roll=<id>`).
                                let listed = |name: &str| param(name).and_then(|id| page.keys.iter().find(|k| k.id == id).cloned());
                                let dialog = match (listed("revoke"), listed("roll")) {
                                    _ if !can_write => None,
                                    (Some(key), _) => Some(view! { <RevokeDialog slug=slug.clone() key=key action=revoke /> }.into_any()),
                                    (None, Some(key)) => Some(view! { <RollDialog slug=slug.clone() key=key /> }.into_any()),
                                    (None, None) => None,
                                };
                                view! {
                                    <KeyTable keys=page.keys can_write=can_write base=base.clone() />
                                    {dialog}
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

        {dialog}
    }
}
