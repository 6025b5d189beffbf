//! `/account/sessions`: where the user is signed in, signing sessions out,
//! and changing the password (which signs out every other session).

use super::auth_layout::{action_error, FormAlert};
use crate::api::account::{list_sessions, ChangePassword, EndOtherSessions, EndSession};
use crate::components::field::Field;
use crate::components::shell::PlainShell;
use crate::components::table::{Col, DataTable};
use crate::domain::dates::to_the_minute;
use crate::domain::{SessionInfo, ACCOUNT_PASSWORD_MAX, ACCOUNT_PASSWORD_MIN};
use crate::islands::confirm::Confirm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

const SESSION_COLUMNS: &[Col] =
    &[Col::text("Device"), Col::text("IP address"), Col::text("Signed in"), Col::text("Last active"), Col::actions()];

#[component]
pub fn SessionsPage() -> impl IntoView {
    let end = ServerAction::<EndSession>::new();
    let end_others = ServerAction::<EndOtherSessions>::new();
    let sessions = Resource::new(|| (), |_| list_sessions());
    let error = Signal::derive(move || action_error(end).get().or_else(|| action_error(end_others).get()));

    view! {
        <Title text="Sessions" />
        <PlainShell>
            <header class="page-header">
                <div>
                    <h1>"Sessions"</h1>
                    <p class="muted">"The browsers where you are signed in. Sign out any you do not recognise, then change your password."</p>
                </div>
            </header>
            <FormAlert error=error />
            <Transition fallback=|| view! { <div class="skeleton skeleton-block"></div> }>
                {move || Suspend::new(async move {
                    match sessions.await {
                        Err(e) => view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }.into_any(),
                        Ok(list) => {
                            let others = list.iter().filter(|s| !s.current).count();
                            view! {
                                <SessionTable sessions=list end=end />
                                {(others > 0).then(|| view! {
                                    <div class="section-actions">
                                        <Confirm label="Sign out all other sessions" question=format!("Sign out of {others} other session{}?", if others == 1 { "" } else { "s" })>
                                            <ActionForm action=end_others>
                                                <button type="submit" class="button button-danger">"Sign out others"</button>
                                            </ActionForm>
                                        </Confirm>
                                    </div>
                                })}
                            }
                                .into_any()
                        }
                    }
                })}
            </Transition>
            <PasswordForm />
        </PlainShell>
    }
}

#[component]
fn SessionTable(sessions: Vec<SessionInfo>, end: ServerAction<EndSession>) -> impl IntoView {
    let rows = sessions
        .into_iter()
        .map(|s| {
            let action = if s.current {
                view! { <span class="status status-active">"This browser"</span> }.into_any()
            } else {
                view! {
                    <Confirm label="Sign out" question=format!("Sign out {} ({})?", s.device, s.ip.clone().unwrap_or_default())>
                        <ActionForm action=end>
                            <input type="hidden" name="session_id" value=s.id.clone() />
                            <button type="submit" class="button button-danger">"Sign out"</button>
                        </ActionForm>
                    </Confirm>
                }
                .into_any()
            };
            view! {
                <tr>
                    <th scope="row">{s.device.clone()}</th>
                    <td class="mono">{s.ip.clone().unwrap_or_else(|| "—".into())}</td>
                    <td class="nowrap"><time datetime=s.signed_in_at.clone()>{to_the_minute(&s.signed_in_at)}</time></td>
                    <td class="nowrap"><time datetime=s.last_seen_at.clone()>{to_the_minute(&s.last_seen_at)}</time></td>
                    <td class="actions">{action}</td>
                </tr>
            }
        })
        .collect_view();
    view! { <DataTable caption="Sessions" columns=SESSION_COLUMNS>{rows}</DataTable> }
}

#[component]
fn PasswordForm() -> impl IntoView {
    let change = ServerAction::<ChangePassword>::new();
    let error = action_error(change);
    let field = move |name: &'static str| Signal::derive(move || error.get().and_then(|e| e.field_message(name)));
    let query = use_query_map();
    let changed = move || {
        change.value().with(|v| matches!(v, Some(Ok(_))))
            || query.with(|q| q.get("password").as_deref() == Some("changed"))
    };
    view! {
        <section class="card form-card" aria-labelledby="password-title">
            <h2 id="password-title">"Change password"</h2>
            <p class="muted">"Changing your password signs you out of every other session."</p>
            <p class="alert alert-success" role="status" hidden=move || !changed()>
                "Password changed. Every other session is signed out."
            </p>
            <ActionForm action=change attr:class="form">
                <FormAlert error=error />
                <Field label="Current password" name="current_password" kind="password" autocomplete="current-password" error=field("current_password") />
                <Field
                    label="New password"
                    name="new_password"
                    kind="password"
                    autocomplete="new-password"
                    minlength=ACCOUNT_PASSWORD_MIN
                    maxlength=ACCOUNT_PASSWORD_MAX
                    hint="At least 8 characters."
                    error=field("new_password")
                />
                <div class="form-actions">
                    <button type="submit" class="button button-primary" data-busy="Changing…">
                        "Change password"
                    </button>
                </div>
            </ActionForm>
        </section>
    }
}
