//! `/projects/<slug>/organizations/<id>`: one organization: its members and
//! their roles (change, remove), its invitations pending and past (invite,
//! cancel), its settings, and deleting it behind a confirm that names it.
//! Owners and developers act; viewers look.

use crate::api::organizations::{
    get_organization, CancelOrganizationInvitation, DeleteOrganization, InviteToOrganization, RemoveOrganizationMember,
    SetOrganizationRole, UpdateOrganization,
};
use crate::components::field::Field;
use crate::components::shell::with_project;
use crate::components::table::{Col, DataTable};
use crate::domain::dates::date_only;
use crate::domain::organization_views::{OrgDetailView, OrgInvitationRow, OrgMemberRow};
use crate::domain::Membership;
use crate::islands::confirm::Confirm;
use crate::pages::auth_layout::{action_error, FormAlert};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn OrganizationPage() -> impl IntoView {
    view! {
        <Title text="Organization" />
        {with_project(|project| view! { <Organization project=project /> })}
    }
}

/// The actions of this page, shared by its parts.
#[derive(Clone, Copy)]
struct Actions {
    update: ServerAction<UpdateOrganization>,
    delete: ServerAction<DeleteOrganization>,
    set_role: ServerAction<SetOrganizationRole>,
    remove: ServerAction<RemoveOrganizationMember>,
    invite: ServerAction<InviteToOrganization>,
    cancel: ServerAction<CancelOrganizationInvitation>,
}

#[component]
fn Organization(project: Membership) -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("org_id").unwrap_or_default());
    let actions = Actions {
        update: ServerAction::new(),
        delete: ServerAction::new(),
        set_role: ServerAction::new(),
        remove: ServerAction::new(),
        invite: ServerAction::new(),
        cancel: ServerAction::new(),
    };
    let slug = project.slug.clone();
    let data = Resource::new(
        move || {
            let versions = [
                actions.update.version().get(),
                actions.set_role.version().get(),
                actions.remove.version().get(),
                actions.invite.version().get(),
                actions.cancel.version().get(),
            ];
            (id(), versions)
        },
        move |(id, _)| get_organization(slug.clone(), id),
    );
    let error = Signal::derive(move || {
        [
            action_error(actions.update),
            action_error(actions.delete),
            action_error(actions.set_role),
            action_error(actions.remove),
            action_error(actions.invite),
            action_error(actions.cancel),
        ]
        .into_iter()
        .find_map(|e| e.get())
    });
    let list = format!("/projects/{}/organizations", project.slug);
    view! {
        <nav class="breadcrumbs" aria-label="Breadcrumb">
            <a href=list>"Organizations"</a>
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
                                <h1>"Organization"</h1>
                                <div class="alert alert-error" role="alert">{e.to_string()}</div>
                            }
                                .into_any(),
                            Ok(org) => view! { <Detail org=org slug=slug actions=actions /> }.into_any(),
                        }
                    })
                }
            }
        </Transition>
    }
}

#[component]
fn Detail(org: OrgDetailView, slug: String, actions: Actions) -> impl IntoView {
    let query = use_query_map();
    let notice = move || {
        query.with(|q| {
            if q.get("invited").is_some() {
                Some("Invitation sent.")
            } else if q.get("saved").is_some() {
                Some("Saved.")
            } else {
                None
            }
        })
    };
    let can = org.can_change;
    let title = org.name.clone();
    let members = org
        .members
        .iter()
        .cloned()
        .map(|m| view! { <MemberRow member=m org=org.clone() slug=slug.clone() actions=actions /> })
        .collect_view();
    let invitations = org
        .invitations
        .iter()
        .cloned()
        .map(|i| view! { <InvitationRow invitation=i can=can slug=slug.clone() actions=actions /> })
        .collect_view();
    let members_text = match (org.member_total, org.max_members) {
        (1, None) => "1 member".to_string(),
        (n, None) => format!("{n} members"),
        (n, Some(max)) => format!("{n} of at most {max} members"),
    };
    view! {
        <header class="page-header">
            <div>
                <h1>{title}</h1>
                <p class="muted">{format!("{} · created {} · {members_text}", org.slug, date_only(&org.created_at))}</p>
            </div>
        </header>
        <p class="alert alert-success page-notice" role="status" hidden=move || notice().is_none()>{notice}</p>
        <h2 class="section-title">"Members"</h2>
        {match org.members.is_empty() {
            true => view! { <p class="card empty-inline muted">"No members yet. Invite someone below."</p> }.into_any(),
            false => view! { <DataTable caption="Members" columns=MEMBER_COLUMNS>{members}</DataTable> }.into_any(),
        }}
        {can.then(|| view! { <InviteForm org=org.clone() slug=slug.clone() actions=actions /> })}
        <h2 class="section-title">"Invitations"</h2>
        {match org.invitations.is_empty() {
            true => view! { <p class="card empty-inline muted">"No invitations."</p> }.into_any(),
            false => view! { <DataTable caption="Invitations" columns=INVITATION_COLUMNS>{invitations}</DataTable> }.into_any(),
        }}
        {can.then(|| view! { <Settings org=org.clone() slug=slug.clone() actions=actions /> })}
    }
}

const MEMBER_COLUMNS: &[Col] = &[Col::text("Member"), Col::text("Role"), Col::text("Joined"), Col::actions()];
const INVITATION_COLUMNS: &[Col] =
    &[Col::text("Email"), Col::text("Role"), Col::text("Status"), Col::text("Expires"), Col::actions()];

#[component]
fn RolePicker(id: String, roles: Vec<String>, selected: String) -> impl IntoView {
    view! {
        <select id=id name="role" class="select select-small">
            {roles
                .into_iter()
                .map(|role| {
                    let is = role == selected;
                    view! { <option value=role.clone() selected=is>{role.clone()}</option> }
                })
                .collect_view()}
        </select>
    }
}

#[component]
fn MemberRow(member: OrgMemberRow, org: OrgDetailView, slug: String, actions: Actions) -> impl IntoView {
    let role_cell = match org.can_change {
        true => {
            let select_id = format!("role-{}", member.id);
            let (s, o, m) = (slug.clone(), org.id.clone(), member.id.clone());
            let (label, roles, role) = (format!("Role of {}", member.email), org.roles.clone(), member.role.clone());
            view! {
                <ActionForm action=actions.set_role attr:class="inline-form">
                    <input type="hidden" name="slug" value=s />
                    <input type="hidden" name="organization_id" value=o />
                    <input type="hidden" name="member_id" value=m />
                    <label class="visually-hidden" for=select_id.clone()>{label}</label>
                    <RolePicker id=select_id roles=roles selected=role />
                    <button type="submit" class="button button-small">"Save"</button>
                </ActionForm>
            }
            .into_any()
        }
        false => view! { <span class="badge">{member.role.clone()}</span> }.into_any(),
    };
    let remove = org.can_change.then(|| {
        let (s, o, m) = (slug.clone(), org.id.clone(), member.id.clone());
        view! {
            <Confirm label="Remove" question=format!("Remove {} from {}?", member.email, org.name)>
                <ActionForm action=actions.remove>
                    <input type="hidden" name="slug" value=s />
                    <input type="hidden" name="organization_id" value=o />
                    <input type="hidden" name="member_id" value=m />
                    <button type="submit" class="button button-danger button-small">"Remove"</button>
                </ActionForm>
            </Confirm>
        }
    });
    view! {
        <tr>
            <th scope="row" class="user-cell">
                {member.email.clone()}
                <span class="muted key-link">{member.name.clone()}</span>
            </th>
            <td>{role_cell}</td>
            <td class="muted nowrap" title=member.created_at.clone()>{date_only(&member.created_at)}</td>
            <td class="actions">{remove}</td>
        </tr>
    }
}

#[component]
fn InvitationRow(invitation: OrgInvitationRow, can: bool, slug: String, actions: Actions) -> impl IntoView {
    let cancel = (can && invitation.status == "pending").then(|| {
        let (s, i) = (slug.clone(), invitation.id.clone());
        view! {
            <Confirm label="Cancel" question=format!("Cancel the invitation for {}?", invitation.email)>
                <ActionForm action=actions.cancel>
                    <input type="hidden" name="slug" value=s />
                    <input type="hidden" name="invitation_id" value=i />
                    <button type="submit" class="button button-danger button-small">"Cancel invitation"</button>
                </ActionForm>
            </Confirm>
        }
    });
    view! {
        <tr>
            <td>{invitation.email.clone()}</td>
            <td>{invitation.role.clone()}</td>
            <td>{invitation.status.clone()}</td>
            <td class="muted nowrap" title=invitation.expires_at.clone()>{date_only(&invitation.expires_at)}</td>
            <td class="actions">{cancel}</td>
        </tr>
    }
}

#[component]
fn InviteForm(org: OrgDetailView, slug: String, actions: Actions) -> impl IntoView {
    let error = action_error(actions.invite);
    let email_error = Signal::derive(move || error.get().and_then(|e| e.field_message("email")));
    let default_role = if org.roles.iter().any(|r| r == "member") { "member".to_string() } else { String::new() };
    let (org_id, roles) = (org.id.clone(), org.roles.clone());
    view! {
        <section class="card form-card" aria-labelledby="invite-title">
            <h2 id="invite-title">"Invite someone"</h2>
            <ActionForm action=actions.invite attr:class="form form-row">
                <input type="hidden" name="slug" value=slug />
                <input type="hidden" name="organization_id" value=org_id />
                <Field label="Email" name="email" kind="email" maxlength=254 error=email_error />
                <div class="field">
                    <label for="invite-role">"Role"</label>
                    <RolePicker id="invite-role".to_string() roles=roles selected=default_role />
                </div>
                <div class="form-actions">
                    <button type="submit" class="button button-primary" data-busy="Inviting…">"Invite"</button>
                </div>
            </ActionForm>
        </section>
    }
}

#[component]
fn Settings(org: OrgDetailView, slug: String, actions: Actions) -> impl IntoView {
    let error = action_error(actions.update);
    let field = move |name: &'static str| Signal::derive(move || error.get().and_then(|e| e.field_message(name)));
    let max = org.max_members.map(|m| m.to_string()).unwrap_or_default();
    let (s, o, name, org_slug, domains) =
        (slug.clone(), org.id.clone(), org.name.clone(), org.slug.clone(), org.allowed_email_domains.join(", "));
    let (delete_slug, delete_id, delete_label) = (slug, org.id.clone(), format!("Delete {}", org.name));
    view! {
        <section class="card form-card" aria-labelledby="org-settings-title">
            <h2 id="org-settings-title">"Settings"</h2>
            <ActionForm action=actions.update attr:class="form">
                <input type="hidden" name="slug" value=s />
                <input type="hidden" name="organization_id" value=o />
                <Field label="Name" name="name" maxlength=100 value=name error=field("name") />
                <Field label="Slug" name="org_slug" maxlength=64 value=org_slug error=field("slug") />
                <Field
                    label="Most members"
                    name="max_members"
                    kind="number"
                    required=false
                    hint="Empty: no limit."
                    value=max
                    error=field("maxMembers")
                />
                <Field
                    label="Allowed email domains"
                    name="domains"
                    required=false
                    hint="Comma separated, like acme.com; empty: any address may join."
                    value=domains
                    error=field("allowedEmailDomains")
                />
                <div class="form-actions">
                    <button type="submit" class="button button-primary" data-busy="Saving…">"Save"</button>
                </div>
            </ActionForm>
        </section>
        <section class="card danger-zone" aria-labelledby="delete-org-title">
            <div>
                <h2 id="delete-org-title">"Delete this organization"</h2>
                <p class="muted">"Its members and invitations go with it. Your app's users stay. This cannot be undone."</p>
            </div>
            <Confirm label="Delete organization" question=format!("Delete {} and its members?", org.name)>
                <ActionForm action=actions.delete>
                    <input type="hidden" name="slug" value=delete_slug />
                    <input type="hidden" name="organization_id" value=delete_id />
                    <button type="submit" class="button button-danger">{delete_label}</button>
                </ActionForm>
            </Confirm>
        </section>
    }
}
