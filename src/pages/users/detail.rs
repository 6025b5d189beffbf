//! `/projects/<slug>/users/<id>`: one user of the app. Who they are, their
//! live sessions (revoke one or all), ban with a reason and an optional end,
//! unban, delete. Every destructive step asks first, naming the user, and
//! works as a plain form without JavaScript.

use super::status::StatusLabel;
use crate::api::end_users::{
    get_end_user, BanEndUser, DeleteEndUser, RevokeEndUserSession, RevokeEndUserSessions, UnbanEndUser,
};
use crate::components::missing::Missing;
use crate::components::shell::with_project;
use crate::components::table::{Col, DataTable};
use crate::domain::dates::to_the_minute;
use crate::domain::organization_views::UserOrgRow;
use crate::domain::{EndUserDetail, EndUserSessionView, EndUserStatus, EndUserSummary, Membership};
use crate::islands::confirm::Confirm;
use crate::pages::auth_layout::{action_error, FormAlert};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn UserPage() -> impl IntoView {
    view! {
        <Title text="User" />
        {with_project(|project| view! { <UserView project=project /> })}
    }
}

/// The page's actions: their forms post to them, and a refused one comes
/// back in the URL for `FormAlert`.
#[derive(Clone, Copy)]
struct Actions {
    ban: ServerAction<BanEndUser>,
    unban: ServerAction<UnbanEndUser>,
    delete: ServerAction<DeleteEndUser>,
    revoke: ServerAction<RevokeEndUserSession>,
    revoke_all: ServerAction<RevokeEndUserSessions>,
}

#[component]
fn UserView(project: Membership) -> impl IntoView {
    let params = use_params_map();
    let actions = Actions {
        ban: ServerAction::new(),
        unban: ServerAction::new(),
        delete: ServerAction::new(),
        revoke: ServerAction::new(),
        revoke_all: ServerAction::new(),
    };
    let slug = project.slug.clone();
    let detail = Resource::new(
        move || params.read().get("user_id").unwrap_or_default(),
        move |user_id| get_end_user(slug.clone(), user_id),
    );
    let list = format!("/projects/{}/users", project.slug);
    let error = Signal::derive(move || {
        let a = actions;
        [action_error(a.ban), action_error(a.unban), action_error(a.delete)]
            .into_iter()
            .chain([action_error(a.revoke), action_error(a.revoke_all)])
            .find_map(|e| e.get())
    });
    view! {
        <nav class="breadcrumbs" aria-label="Breadcrumb">
            <a href=list.clone()>"Users"</a>
        </nav>
        <FormAlert error=error />
        <Transition fallback=|| view! { <div class="skeleton skeleton-block"></div> }>
            {move || {
                let list = list.clone();
                let slug = project.slug.clone();
                Suspend::new(async move {
                    match detail.await {
                        Err(e) => view! {
                            <Missing title="User not found" message=e.to_string() back=list back_label="Back to Users" />
                        }
                            .into_any(),
                        Ok(detail) => view! { <UserDetailView detail=detail slug=slug actions=actions /> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

#[component]
fn UserDetailView(detail: EndUserDetail, slug: String, actions: Actions) -> impl IntoView {
    let user = detail.user.clone();
    let can_change = detail.can_change;
    let revoke_all = (can_change && !detail.sessions.is_empty()).then(|| {
        let (slug, user_id) = (slug.clone(), user.id.clone());
        view! {
            <Confirm label="Revoke all" question=format!("Sign {} out everywhere?", user.email)>
                <ActionForm action=actions.revoke_all>
                    <input type="hidden" name="slug" value=slug />
                    <input type="hidden" name="user_id" value=user_id />
                    <button type="submit" class="button button-danger">"Revoke all sessions"</button>
                </ActionForm>
            </Confirm>
        }
    });
    let moderation = can_change.then(|| view! { <Moderation user=user.clone() slug=slug.clone() actions=actions /> });
    view! {
        <header class="page-header">
            <div>
                <h1>{user.email.clone()}</h1>
                <p class="muted">{user.name.clone()}</p>
            </div>
        </header>
        <UserFacts user=user.clone() />
        <section class="page-section" aria-labelledby="sessions-title">
            <div class="section-head">
                <h2 id="sessions-title" class="section-title">"Sessions"</h2>
                {revoke_all}
            </div>
            <SessionTable sessions=detail.sessions.clone() can_change=can_change slug=slug.clone() user_id=user.id.clone() action=actions.revoke />
        </section>
        <section class="page-section" aria-labelledby="organizations-title">
            <h2 id="organizations-title" class="section-title">"Organizations"</h2>
            <Memberships organizations=detail.organizations.clone() slug=slug.clone() />
        </section>
        {moderation}
    }
}

#[component]
fn UserFacts(user: EndUserSummary) -> impl IntoView {
    let reason = match &user.status {
        EndUserStatus::Banned { reason: Some(reason), .. } => Some(reason.clone()),
        _ => None,
    };
    view! {
        <dl class="card facts">
            <div><dt>"Status"</dt><dd><StatusLabel status=user.status.clone() /></dd></div>
            {reason.map(|r| view! { <div><dt>"Ban reason"</dt><dd>{r}</dd></div> })}
            <div><dt>"Email verified"</dt><dd>{if user.email_verified { "Yes" } else { "No" }}</dd></div>
            <div><dt>"Created"</dt><dd>{to_the_minute(&user.created_at)}</dd></div>
            <div><dt>"Last sign-in"</dt><dd>{user.last_sign_in_at.as_deref().map(to_the_minute).unwrap_or_else(|| "Never".into())}</dd></div>
            <div><dt>"Role"</dt><dd>{user.role.clone()}</dd></div>
            <div><dt>"Id"</dt><dd class="mono">{user.id.clone()}</dd></div>
        </dl>
    }
}

const SESSION_COLUMNS: &[Col] =
    &[Col::text("Device"), Col::text("Address"), Col::text("Last active"), Col::text("Expires"), Col::actions()];

#[component]
fn SessionTable(
    sessions: Vec<EndUserSessionView>,
    can_change: bool,
    slug: String,
    user_id: String,
    action: ServerAction<RevokeEndUserSession>,
) -> impl IntoView {
    if sessions.is_empty() {
        return view! { <p class="card empty-inline muted">"No live sessions: this user is signed out everywhere."</p> }.into_any();
    }
    let rows = sessions
        .into_iter()
        .map(|s| {
            let revoke = can_change.then(|| {
                let (slug, user_id, session_id) = (slug.clone(), user_id.clone(), s.id.clone());
                let label = format!("Revoke the session on {}", s.device);
                view! {
                    <ActionForm action=action>
                        <input type="hidden" name="slug" value=slug />
                        <input type="hidden" name="user_id" value=user_id />
                        <input type="hidden" name="session_id" value=session_id />
                        <button type="submit" class="button button-small button-danger-outline" aria-label=label>
                            "Revoke"
                        </button>
                    </ActionForm>
                }
            });
            view! {
                <tr>
                    <th scope="row">{s.device.clone()}</th>
                    <td class="mono">{s.ip.clone().unwrap_or_else(|| "Unknown".into())}</td>
                    <td class="nowrap" title=s.last_active.clone()>{to_the_minute(&s.last_active)}</td>
                    <td class="nowrap" title=s.expires_at.clone()>{to_the_minute(&s.expires_at)}</td>
                    <td class="actions">{revoke}</td>
                </tr>
            }
        })
        .collect_view();
    view! { <DataTable caption="Sessions" columns=SESSION_COLUMNS>{rows}</DataTable> }.into_any()
}

/// Ban (with a reason and an optional end) or unban, and delete.
#[component]
fn Moderation(user: EndUserSummary, slug: String, actions: Actions) -> impl IntoView {
    let banned = matches!(user.status, EndUserStatus::Banned { .. });
    let (slug2, id2) = (slug.clone(), user.id.clone());
    let ban_or_unban = if banned {
        view! {
            <section class="card form-card" aria-labelledby="unban-title">
                <h2 id="unban-title">"Unban"</h2>
                <p class="muted">"They can sign in again with their password."</p>
                <ActionForm action=actions.unban>
                    <input type="hidden" name="slug" value=slug2 />
                    <input type="hidden" name="user_id" value=id2 />
                    <button type="submit" class="button">"Unban user"</button>
                </ActionForm>
            </section>
        }
        .into_any()
    } else {
        view! {
            <section class="card form-card" aria-labelledby="ban-title">
                <h2 id="ban-title">"Ban"</h2>
                <p class="muted">"Their sessions end at once and they cannot sign in until unbanned (or until the end you choose)."</p>
                <Confirm label="Ban user" question=format!("Ban {}?", user.email)>
                    <ActionForm action=actions.ban attr:class="form">
                        <input type="hidden" name="slug" value=slug2 />
                        <input type="hidden" name="user_id" value=id2 />
                        <div class="field">
                            <label for="ban-reason">"Reason (optional)"</label>
                            <input id="ban-reason" name="reason" type="text" maxlength="500" />
                        </div>
                        <div class="field">
                            <label for="ban-until">"Until (optional, UTC)"</label>
                            <input id="ban-until" name="until" type="date" />
                        </div>
                        <button type="submit" class="button button-danger">"Ban"</button>
                    </ActionForm>
                </Confirm>
            </section>
        }
        .into_any()
    };
    view! {
        {ban_or_unban}
        <section class="card danger-zone" aria-labelledby="delete-title">
            <div>
                <h2 id="delete-title">"Delete this user"</h2>
                <p class="muted">"Their account and sessions are removed. This cannot be undone."</p>
            </div>
            <Confirm label="Delete user" question=format!("Delete {}? This cannot be undone.", user.email)>
                <ActionForm action=actions.delete>
                    <input type="hidden" name="slug" value=slug.clone() />
                    <input type="hidden" name="user_id" value=user.id.clone() />
                    <button type="submit" class="button button-danger">"Delete user"</button>
                </ActionForm>
            </Confirm>
        </section>
    }
}

const MEMBERSHIP_COLUMNS: &[Col] = &[Col::text("Organization"), Col::text("Role")];

/// The organizations the user is in, each linking to its page.
#[component]
fn Memberships(organizations: Vec<UserOrgRow>, slug: String) -> impl IntoView {
    if organizations.is_empty() {
        return view! { <p class="card empty-inline muted">"Not a member of any organization."</p> }.into_any();
    }
    let rows = organizations
        .into_iter()
        .map(|o| {
            let href = format!("/projects/{slug}/organizations/{}", crate::domain::percent_encode(&o.organization_id));
            view! {
                <tr>
                    <th scope="row"><a href=href>{o.organization_name.clone()}</a></th>
                    <td>{o.role.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    view! { <DataTable caption="Organizations" columns=MEMBERSHIP_COLUMNS>{rows}</DataTable> }.into_any()
}
