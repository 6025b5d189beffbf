//! `/projects/<slug>/api-keys`: the project's keys. List, search and page
//! through them; create one (shown once); revoke one.
//!
//! The page state lives in the URL (`q`, `revoked`, `after`, `new`, `revoke`)
//! so that every control also works as a plain link or form without
//! JavaScript; with it, the dialogs open in place.

use super::auth_layout::action_error;
use crate::api::keys::{list_keys, CreateKey, RevokeKey, RollKey};
use crate::components::field::Field;
use crate::components::reveal::KeyReveal;
use crate::components::shell::{use_project, with_project};
use crate::components::table::{Col, DataTable};
use crate::components::usage_chart::UsageChart;
use crate::domain::dates::{date_only, date_or, span_in_words};
use crate::domain::{ApiKey, KeyPage, KeyStatus, Membership, Role};
use crate::error::AppError;
use leptos::ev::SubmitEvent;
use leptos::form::FromFormData;
use leptos::html;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

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

#[component]
fn EmptyState(can_write: bool, base: String, open: impl Fn(leptos::ev::MouseEvent) + 'static) -> impl IntoView {
    view! {
        <section class="empty-state card">
            <h2>"No API keys yet"</h2>
            <p class="muted">
                "An API key connects your application to this project: every request it makes carries the key, and the key alone decides which project it acts on. Create one for each service, so you can revoke one without touching the others."
            </p>
            {can_write
                .then(|| {
                    view! {
                        <a class="button button-primary" href=format!("{base}?new=1") on:click=open>
                            "Create new key"
                        </a>
                    }
                })}
        </section>
    }
}

const KEY_COLUMNS: &[Col] = &[
    Col::text("Name"),
    Col::text("Key"),
    Col::text("Created"),
    Col::text("Usage, 30 days"),
    Col::text("Expires"),
    Col::text("Status"),
    Col::actions(),
];

/// Which row's key a dialog acts on, and the dialogs the rows open.
#[derive(Clone, Copy)]
struct RowTargets {
    revoking: RwSignal<Option<ApiKey>>,
    revoke_dialog: NodeRef<html::Dialog>,
    rolling: RwSignal<Option<ApiKey>>,
    roll_dialog: NodeRef<html::Dialog>,
}

/// Opens `dialog` for `key` (with JavaScript; without, the link's `href`
/// renders the page with the dialog open).
fn opener(
    dialog: NodeRef<html::Dialog>,
    target: RwSignal<Option<ApiKey>>,
    key: ApiKey,
) -> impl Fn(leptos::ev::MouseEvent) + 'static {
    move |ev| {
        if let Some(d) = dialog.get() {
            ev.prevent_default();
            target.set(Some(key.clone()));
            let _ = d.show_modal();
        }
    }
}

#[component]
fn KeyTable(keys: Vec<ApiKey>, can_write: bool, base: String, targets: RowTargets) -> impl IntoView {
    let rows = keys
        .into_iter()
        .map(|key| {
            let confirm_href = format!("{base}?revoke={}", key.id);
            let roll_href = format!("{base}?roll={}", key.id);
            let open_revoke = opener(targets.revoke_dialog, targets.revoking, key.clone());
            let open_roll = opener(targets.roll_dialog, targets.rolling, key.clone());
            let status = match key.status {
                KeyStatus::Active => view! { <span class="status status-active">"Active"</span> }.into_any(),
                KeyStatus::Expired => view! { <span class="status status-expired">"Expired"</span> }.into_any(),
                KeyStatus::Revoked => view! {
                    <span class="status status-revoked" title=key.revoked_at.clone().unwrap_or_default()>
                        {format!(
                            "Revoked {} by {}",
                            date_or(key.revoked_at.as_deref(), ""),
                            key.revoked_by.clone().unwrap_or_default(),
                        )}
                    </span>
                }
                .into_any(),
            };
            let rollable = key.status == KeyStatus::Active && key.replaced_by.is_none();
            let action = (can_write && key.status != KeyStatus::Revoked).then(|| {
                view! {
                    <div class="actions-stack">
                    {rollable.then(|| view! {
                        <a class="button button-small" href=roll_href on:click=open_roll aria-label=format!("Roll {}", key.name)>
                            "Roll"
                        </a>
                    })}
                    <a
                        class="button button-small button-danger-outline"
                        href=confirm_href
                        on:click=open_revoke
                        aria-label=format!("Revoke {}", key.name)
                    >
                        "Revoke"
                    </a>
                    </div>
                }
            });
            let status = match (&key.replaced_by, key.status) {
                (Some(_), KeyStatus::Active) => view! {
                    <span class="status status-expiring" title="Replaced by a rolled key; works until it expires">
                        "Replaced"
                    </span>
                }
                .into_any(),
                _ => status,
            };
            let expires = match key.expires_in {
                Some(seconds) if key.expires_soon() => view! {
                    <span class="badge badge-warning" title=key.expires_at.clone().unwrap_or_default()>
                        {format!("Expires in {}", span_in_words(seconds))}
                    </span>
                }
                .into_any(),
                _ => view! {
                    <span title=key.expires_at.clone().unwrap_or_default()>
                        {date_or(key.expires_at.as_deref(), "Never")}
                    </span>
                }
                .into_any(),
            };
            // The other key of a roll, by its own page (its id in the tooltip).
            let link = |id: &Option<String>, words: &'static str| {
                id.as_ref().map(|id| {
                    view! {
                        <a class="muted key-link" href=format!("{base}/{id}") title=id.clone()>
                            {words}
                        </a>
                    }
                })
            };
            view! {
                <tr>
                    <th scope="row" class="key-name">
                        <a href=format!("{base}/{}", key.id)>{key.name.clone()}</a>
                        {key.read_only().then(|| view! { <span class="badge badge-inline">"Read-only"</span> })}
                        {link(&key.replaced_by, "replaced by a newer key")}
                        {link(&key.replaces, "replaces an older key")}
                    </th>
                    <td class="mono key-mask">{key.masked()}</td>
                    <td>
                        <span class="nowrap" title=key.created_at.clone()>{date_only(&key.created_at)}</span>
                        <span class="muted key-link">{format!("by {}", key.created_by)}</span>
                    </td>
                    <td>
                        <span class="usage-cell">
                            <UsageChart days=key.daily_requests.clone() width=60 height=20 />
                            <span class="muted">{key.daily_requests.iter().sum::<i64>()}</span>
                        </span>
                        <span class="muted key-link nowrap" title=key.last_used_at.clone().unwrap_or_default()>
                            {match key.last_used_at.as_deref() {
                                Some(at) => format!("last used {}", date_only(at)),
                                None => "never used".to_string(),
                            }}
                        </span>
                    </td>
                    <td class="nowrap">{expires}</td>
                    <td>{status}</td>
                    <td class="actions">{action}</td>
                </tr>
            }
        })
        .collect_view();
    view! { <DataTable columns=KEY_COLUMNS>{rows}</DataTable> }
}

/// "Create new key": a form that turns into the one-time reveal. Without
/// JavaScript (`?new=1`) it is rendered open and posts to a handler that
/// answers with the reveal page.
#[component]
fn CreateDialog(
    project: Membership,
    action: ServerAction<CreateKey>,
    dialog: NodeRef<html::Dialog>,
    open: bool,
) -> impl IntoView {
    let query = use_query_map();
    let url_error = move || query.with(|q| q.get("error"));
    let error = action_error(action);
    let field = move |name: &'static str| {
        Signal::derive(move || {
            error.get().and_then(|e| e.field_message(name)).or_else(|| (name == "name").then(url_error).flatten())
        })
    };
    let expiry_error = Signal::derive(move || {
        error.get().and_then(|e| e.field_message("expires_on").or_else(|| e.field_message("expires")))
    });
    let created = move || action.value().get().and_then(Result::ok);
    let pending = action.pending();
    let custom_date = RwSignal::new(false);
    let form_ref = NodeRef::<html::Form>::new();
    // Forget the secret the moment the dialog closes (Done, Esc, or Cancel).
    let forget = move || {
        action.value().set(None);
        if let Some(form) = form_ref.get() {
            form.reset();
        }
        custom_date.set(false);
    };
    let close = move |_| {
        if let Some(d) = dialog.get() {
            d.close();
        }
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        match CreateKey::from_event(&ev) {
            Ok(input) => {
                action.dispatch(input);
            }
            Err(err) => leptos::logging::error!("create form: {err:?}"),
        }
    };
    let post_to = format!("/projects/{}/api-keys/new", project.slug);
    let cancel_href = format!("/projects/{}/api-keys", project.slug);
    let initial_name = query.with_untracked(|q| q.get("name")).unwrap_or_default();

    view! {
        <dialog
            class="dialog"
            node_ref=dialog
            open=open
            aria-labelledby=move || if created().is_some() { "reveal-title" } else { "create-title" }
            on:close=move |_| forget()
        >
            {move || match created() {
                Some(done) => view! {
                    <KeyReveal name=done.key.name.clone() secret=done.secret.clone()>
                        <button type="button" class="button button-primary" on:click=close autofocus>
                            "Done"
                        </button>
                    </KeyReveal>
                }
                    .into_any(),
                None => view! {
                    <form class="form" method="post" action=post_to.clone() node_ref=form_ref on:submit=on_submit>
                        <h2 id="create-title">"Create new key"</h2>
                        <p class="muted">"For " {project.name.clone()} ". One key per service makes rotation easy."</p>
                        <input type="hidden" name="slug" value=project.slug.clone() />
                        <Field
                            label="Name"
                            name="name"
                            maxlength=100
                            autofocus=true
                            value=initial_name.clone()
                            hint="What uses it, e.g. billing-worker."
                            error=field("name")
                        />
                        <div class="field">
                            <label for="field-expires">"Expires"</label>
                            <select
                                id="field-expires"
                                name="expires"
                                class="select"
                                on:change=move |ev| custom_date.set(event_target_value(&ev) == "date")
                            >
                                <option value="never" selected>"Never"</option>
                                <option value="30">"In 30 days"</option>
                                <option value="90">"In 90 days"</option>
                                <option value="365">"In 1 year"</option>
                                <option value="date">"On a date…"</option>
                            </select>
                        </div>
                        <div class="field">
                            <label for="field-access">"Access"</label>
                            <select id="field-access" name="access" class="select" aria-describedby="field-access-hint">
                                <option value="full" selected>"Full access"</option>
                                <option value="read">"Read-only"</option>
                            </select>
                            <p class="field-hint" id="field-access-hint">
                                "A read-only key may list keys and ask who it is, never change them."
                            </p>
                        </div>
                        <div class="field" class:js-hidden=move || !custom_date.get()>
                            <label for="field-expires_on">"Expiry date (UTC)"</label>
                            <input
                                id="field-expires_on"
                                name="expires_on"
                                type="date"
                                aria-describedby="field-expires_on-error"
                                aria-invalid=move || expiry_error.get().map(|_| "true")
                            />
                            <p class="field-error" id="field-expires_on-error" role="alert" hidden=move || expiry_error.get().is_none()>
                                {move || expiry_error.get()}
                            </p>
                        </div>
                        <div class="dialog-actions">
                            <CancelLink href=cancel_href.clone() dialog=dialog />
                            <button type="submit" class="button button-primary" disabled=move || pending.get()>
                                {move || if pending.get() { "Creating…" } else { "Create key" }}
                            </button>
                        </div>
                    </form>
                }
                    .into_any(),
            }}
        </dialog>
    }
}

/// "Roll key <name>": choose how long the old key keeps working, then the
/// new key's one-time reveal. Without JavaScript (`?roll=<id>`) it is
/// rendered open and posts to a handler that answers with the reveal page.
#[component]
fn RollDialog(
    slug: String,
    action: ServerAction<RollKey>,
    dialog: NodeRef<html::Dialog>,
    rolling: RwSignal<Option<ApiKey>>,
    /// The listed keys, to name the one in the URL.
    keys: Resource<Result<KeyPage, AppError>>,
) -> impl IntoView {
    let query = use_query_map();
    // Chosen from a row (JavaScript), or named in the URL (`?roll=<id>`).
    let from_url = query.with_untracked(|q| q.get("roll"));
    let open = from_url.is_some();
    let key_id = Memo::new(move |_| rolling.get().map(|k| k.id).or_else(|| from_url.clone()));
    let key_name = Memo::new(move |_| {
        let id = key_id.get()?;
        rolling.get().map(|k| k.name).or_else(|| {
            keys.get().and_then(Result::ok).and_then(|page| page.keys.into_iter().find(|k| k.id == id)).map(|k| k.name)
        })
    });
    let key_name = move || key_name.get().unwrap_or_else(|| "this key".into());
    let key_id = move || key_id.get();
    let action_error = action_error(action);
    // A plain form post sent back with `?error=`, or this dialog's last try.
    let error =
        Signal::derive(move || action_error.get().map(|e| e.to_string()).or_else(|| query.with(|q| q.get("error"))));
    let created = move || action.value().get().and_then(Result::ok);
    let list = format!("/projects/{slug}/api-keys");
    let post_to = format!("{list}/roll");
    let close = move |_| {
        if let Some(d) = dialog.get() {
            d.close();
        }
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        match RollKey::from_event(&ev) {
            Ok(input) => {
                action.dispatch(input);
            }
            Err(err) => leptos::logging::error!("roll form: {err:?}"),
        }
    };
    view! {
        <dialog
            class="dialog"
            node_ref=dialog
            open=open
            aria-labelledby=move || if created().is_some() { "reveal-title" } else { "roll-title" }
            on:close=move |_| action.value().set(None)
        >
            {move || match created() {
                Some(done) => view! {
                    <KeyReveal name=done.key.name.clone() secret=done.secret.clone()>
                        <button type="button" class="button button-primary" on:click=close autofocus>"Done"</button>
                    </KeyReveal>
                }
                    .into_any(),
                None => view! {
                    <form class="form" method="post" action=post_to.clone() on:submit=on_submit>
                        <h2 id="roll-title">{move || format!("Roll key {}", key_name())}</h2>
                        <p class="muted">
                            "A new key replaces it, with the same name, access and lifetime. Give your applications time to switch: the old key keeps working until the time you choose, then stops by itself."
                        </p>
                        <input type="hidden" name="slug" value=slug.clone() />
                        <input type="hidden" name="key_id" value=key_id />
                        <div class="field">
                            <label for="field-grace">"Old key stops working"</label>
                            <select id="field-grace" name="grace" class="select">
                                <option value="now">"Now"</option>
                                <option value="1h">"In 1 hour"</option>
                                <option value="24h" selected>"In 24 hours"</option>
                                <option value="7d">"In 7 days"</option>
                            </select>
                        </div>
                        <p class="alert alert-error" role="alert" hidden=move || error.get().is_none()>
                            {move || error.get()}
                        </p>
                        <div class="dialog-actions">
                            <CancelLink href=list.clone() dialog=dialog />
                            <button type="submit" class="button button-primary" disabled=move || action.pending().get()>
                                {move || if action.pending().get() { "Rolling…" } else { "Roll key" }}
                            </button>
                        </div>
                    </form>
                }
                    .into_any(),
            }}
        </dialog>
    }
}

/// "Revoke key <name>?" with a red button. Without JavaScript (`?revoke=<id>`)
/// it is rendered open for that key.
#[component]
fn RevokeDialog(
    slug: String,
    action: ServerAction<RevokeKey>,
    dialog: NodeRef<html::Dialog>,
    revoking: RwSignal<Option<ApiKey>>,
    /// The listed keys, to find the one named in the URL.
    keys: Vec<ApiKey>,
) -> impl IntoView {
    let query = use_query_map();
    let from_url = query.with_untracked(|q| q.get("revoke"));
    let listed = from_url.and_then(|id| keys.into_iter().find(|k| k.id == id));
    let open = listed.is_some();
    // Chosen from a row (JavaScript), or named in the URL (`?revoke=<id>`).
    let target = Memo::new(move |_| revoking.get().or_else(|| listed.clone()));
    let key_id = move || target.get().map(|k| k.id);
    let key_name = move || target.get().map(|k| k.name).unwrap_or_else(|| "this key".into());
    let error = action_error(action);
    // Close once the revoke went through; the list reloads on its own.
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            if let Some(d) = dialog.get() {
                d.close();
            }
        }
    });
    let list = format!("/projects/{slug}/api-keys");
    view! {
        <dialog class="dialog" node_ref=dialog open=open aria-labelledby="revoke-title">
            <ActionForm action=action attr:class="form">
                <h2 id="revoke-title">{move || format!("Revoke key {}?", key_name())}</h2>
                <p class="muted">
                    "Applications using it stop working at once. This cannot be undone."
                </p>
                <input type="hidden" name="slug" value=slug.clone() />
                <input type="hidden" name="key_id" value=key_id />
                <p class="alert alert-error" role="alert" hidden=move || error.get().is_none()>
                    {move || error.get().map(|e| e.to_string())}
                </p>
                <div class="dialog-actions">
                    <CancelLink href=list.clone() dialog=dialog />
                    <button type="submit" class="button button-danger" disabled=move || action.pending().get()>
                        {move || if action.pending().get() { "Revoking…" } else { "Revoke" }}
                    </button>
                </div>
            </ActionForm>
        </dialog>
    }
}

/// A dialog's "Cancel": closes it in place with JavaScript; without, a link
/// back to the page the dialog was opened over.
#[component]
fn CancelLink(href: String, dialog: NodeRef<html::Dialog>) -> impl IntoView {
    let close = move |ev: leptos::ev::MouseEvent| {
        if let Some(d) = dialog.get() {
            ev.prevent_default();
            d.close();
        }
    };
    view! {
        <a class="button" href=href on:click=close>
            "Cancel"
        </a>
    }
}
