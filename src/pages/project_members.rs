//! `/projects/<slug>/members`: who is in the project, with what role;
//! owners add teammates, change roles, remove members, manage invitations.

use super::auth_layout::{action_error, FormAlert};
use crate::api::project_members::{
    list_members, ChangeRole, LeaveProject, MembersView, RemoveMember, RevokeInvitation,
};
use crate::components::answer::use_answer;
use crate::components::copy::CopyField;
use crate::components::field::Field;
use crate::components::shell::{use_project, with_project, RoleBadge};
use crate::components::table::{Col, DataTable};
use crate::domain::dates::date_only;
use crate::domain::form_errors::message_for;
use crate::domain::{InvitationCreated, Member, Membership, PendingInvitation, Permission, Role};
use crate::error::AppError;
use crate::islands::confirm::Confirm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn MembersPage() -> impl IntoView {
    view! {
        <Title text="Members" />
        {with_project(|project| view! { <Members project=project /> })}
    }
}

#[component]
fn Members(project: Membership) -> impl IntoView {
    let ctx = use_project();
    let change = ServerAction::<ChangeRole>::new();
    let remove = ServerAction::<RemoveMember>::new();
    let revoke = ServerAction::<RevokeInvitation>::new();
    let leave = ServerAction::<LeaveProject>::new();
    let view_data = Resource::new(move || ctx.slug.get(), list_members);
    let slug = project.slug.clone();
    let is_owner = project.role.grants(Permission::TeamManage);
    let error = Signal::derive(move || {
        [action_error(change), action_error(remove), action_error(revoke), action_error(leave)]
            .into_iter()
            .find_map(|e| e.get())
    });

    view! {
        <header class="page-header">
            <div>
                <h1>"Members"</h1>
                <p class="muted">
                    "People who can see " <strong>{project.name.clone()}</strong>
                    ". Owners manage members and settings, developers create and revoke keys, viewers can only look."
                </p>
            </div>
        </header>
        {is_owner.then(|| view! { <AddMemberForm slug=slug.clone() /> })}
        <FormAlert error=error />
        <Transition fallback=|| view! { <div class="skeleton skeleton-block"></div> }>
            {move || {
                let slug = slug.clone();
                Suspend::new(async move {
                    match view_data.await {
                        Ok(data) => view! { <MemberTables data=data slug=slug change=change remove=remove revoke=revoke /> }.into_any(),
                        Err(e) => view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }.into_any(),
                    }
                })
            }}
        </Transition>
        <section class="card danger-zone" aria-labelledby="leave-title">
            <div>
                <h2 id="leave-title">"Leave this project"</h2>
                <p class="muted">"You lose access at once. A project's last owner cannot leave."</p>
            </div>
            <Confirm label="Leave project" question=format!("Leave {}?", project.name)>
                <ActionForm action=leave>
                    <input type="hidden" name="slug" value=project.slug.clone() />
                    <button type="submit" class="button button-danger">"Leave project"</button>
                </ActionForm>
            </Confirm>
        </section>
    }
}

/// Adds a teammate. The form posts to a handler that answers with this
/// page and the invitation link shown once, or sends it back with
/// `?error=<code>`.
#[component]
fn AddMemberForm(slug: String) -> impl IntoView {
    let query = use_query_map();
    let error = Signal::derive(move || {
        let code = query.with(|q| q.get("error"))?;
        message_for(&code).map(|message| AppError::BadRequest(message.into()))
    });
    let email_error = query
        .with_untracked(|q| q.get("error"))
        .filter(|code| code == "email")
        .and_then(|code| message_for(&code))
        .map(String::from);
    let outcome = use_answer::<InvitationCreated>();
    view! {
        <section class="card form-card" aria-labelledby="add-member-title">
            <h2 id="add-member-title">"Add a teammate"</h2>
            <form class="form form-row" method="post" action=format!("/projects/{slug}/members/add")>
                <input type="hidden" name="slug" value=slug.clone() />
                <Field label="Email" name="email" kind="email" maxlength=254 error=Signal::stored(email_error) />
                <div class="field">
                    <label for="field-role">"Role"</label>
                    <RoleSelect id="field-role" selected=Role::Developer />
                </div>
                <div class="form-actions">
                    <button type="submit" class="button button-primary" data-busy="Adding…">
                        "Add"
                    </button>
                </div>
            </form>
            <FormAlert error=error />
            {
                outcome
                    .map(|InvitationCreated { email, link, mailed }| view! {
                        <div class="alert alert-success invite-result" role="status">
                            <p>
                                {match mailed {
                                    true => format!("Invitation mailed to {email}. You may also send them this link: they join when they open either and accept. "),
                                    false => format!("Invitation created. Send {email} this link: they join when they open it and accept. "),
                                }}
                                <strong>"It is shown only once"</strong>
                                " and works for 7 days."
                            </p>
                            <CopyField label="Invitation link" copies="link" value=link />
                        </div>
                    })
            }
        </section>
    }
}

#[component]
fn RoleSelect(id: &'static str, selected: Role) -> impl IntoView {
    view! {
        <select id=id name="role" class="select">
            {Role::ALL
                .into_iter()
                .map(|role| view! { <option value=role.as_str() selected=role == selected>{role.label()}</option> })
                .collect_view()}
        </select>
    }
}

const MEMBER_COLUMNS: &[Col] =
    &[Col::text("Name"), Col::text("Email"), Col::text("Role"), Col::text("Joined"), Col::actions()];
const INVITATION_COLUMNS: &[Col] =
    &[Col::text("Email"), Col::text("Role"), Col::text("Invited by"), Col::text("Expires"), Col::actions()];

#[component]
fn MemberTables(
    data: MembersView,
    slug: String,
    change: ServerAction<ChangeRole>,
    remove: ServerAction<RemoveMember>,
    revoke: ServerAction<RevokeInvitation>,
) -> impl IntoView {
    let is_owner = data.my_role.grants(Permission::TeamManage);
    let me = data.my_user_id.clone();
    let rows = data
        .members
        .into_iter()
        .map(|m| {
            let you = m.user_id == me;
            view! { <MemberRow member=m you=you is_owner=is_owner slug=slug.clone() change=change remove=remove /> }
        })
        .collect_view();
    let invitations = (!data.invitations.is_empty()).then(|| {
        let items = data
            .invitations
            .into_iter()
            .map(|i| view! { <InvitationRow invitation=i slug=slug.clone() revoke=revoke /> })
            .collect_view();
        view! {
            <h2 class="section-title">"Pending invitations"</h2>
            <DataTable caption="Pending invitations" columns=INVITATION_COLUMNS>{items}</DataTable>
        }
    });
    view! {
        <DataTable caption="Members" columns=MEMBER_COLUMNS>{rows}</DataTable>
        {invitations}
    }
}

#[component]
fn MemberRow(
    member: Member,
    you: bool,
    is_owner: bool,
    slug: String,
    change: ServerAction<ChangeRole>,
    remove: ServerAction<RemoveMember>,
) -> impl IntoView {
    let select_id = format!("role-{}", member.user_id);
    let (role_slug, role_user, role_label) = (slug.clone(), member.user_id.clone(), format!("Role of {}", member.name));
    let (remove_slug, remove_user) = (slug, member.user_id.clone());
    let current_role = member.role;
    let role_cell = if is_owner {
        view! {
            <ActionForm action=change attr:class="inline-form">
                <input type="hidden" name="slug" value=role_slug.clone() />
                <input type="hidden" name="user_id" value=role_user.clone() />
                <label class="visually-hidden" for=select_id.clone()>{role_label.clone()}</label>
                <select id=select_id.clone() name="role" class="select select-small">
                    {Role::ALL
                        .into_iter()
                        .map(|role| view! { <option value=role.as_str() selected=role == current_role>{role.label()}</option> })
                        .collect_view()}
                </select>
                <button type="submit" class="button button-small">"Save"</button>
            </ActionForm>
        }
            .into_any()
    } else {
        view! { <RoleBadge role=member.role /> }.into_any()
    };
    let remove_cell = (is_owner && !you).then(|| {
        view! {
            <Confirm label="Remove" question=format!("Remove {} from this project?", member.name)>
                <ActionForm action=remove>
                    <input type="hidden" name="slug" value=remove_slug.clone() />
                    <input type="hidden" name="user_id" value=remove_user.clone() />
                    <button type="submit" class="button button-danger button-small">"Remove"</button>
                </ActionForm>
            </Confirm>
        }
    });
    view! {
        <tr>
            <td>
                {member.name.clone()}
                {you.then(|| view! { <span class="badge badge-inline">"You"</span> })}
            </td>
            <td class="muted">{member.email.clone()}</td>
            <td>{role_cell}</td>
            <td class="muted nowrap" title=member.joined_at.clone()>{date_only(&member.joined_at)}</td>
            <td class="actions">{remove_cell}</td>
        </tr>
    }
}

#[component]
fn InvitationRow(invitation: PendingInvitation, slug: String, revoke: ServerAction<RevokeInvitation>) -> impl IntoView {
    view! {
        <tr>
            <td>{invitation.email.clone()}</td>
            <td><RoleBadge role=invitation.role /></td>
            <td class="muted">{invitation.invited_by.clone()}</td>
            <td class="muted nowrap" title=invitation.expires_at.clone()>{date_only(&invitation.expires_at)}</td>
            <td class="actions">
                <Confirm label="Revoke" question=format!("Revoke the invitation for {}?", invitation.email)>
                    <ActionForm action=revoke>
                        <input type="hidden" name="slug" value=slug />
                        <input type="hidden" name="invitation_id" value=invitation.id.clone() />
                        <button type="submit" class="button button-danger button-small">"Revoke"</button>
                    </ActionForm>
                </Confirm>
            </td>
        </tr>
    }
}
