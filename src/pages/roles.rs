//! `/projects/<slug>/roles`: the roles of the project's organizations and
//! what each may do, as a grid: a row per permission, a column per role, a
//! tick where the role holds it. Owners and developers tick and untick (each
//! cell is a small form, so it works without JavaScript), add roles and
//! permissions of their own, and delete them; viewers look.

use super::auth_layout::{action_error, FormAlert};
use crate::api::organizations::{
    list_roles, CreatePermission, CreateRole, DeletePermission, DeleteRole, ToggleRolePermission,
};
use crate::components::field::Field;
use crate::components::shell::with_project;
use crate::domain::organization_views::{PermissionRow, RoleRow, RolesView};
use crate::domain::Membership;
use crate::islands::confirm::Confirm;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn RolesPage() -> impl IntoView {
    view! {
        <Title text="Roles" />
        {with_project(|project| view! { <Roles project=project /> })}
    }
}

#[derive(Clone, Copy)]
struct Actions {
    toggle: ServerAction<ToggleRolePermission>,
    create_role: ServerAction<CreateRole>,
    delete_role: ServerAction<DeleteRole>,
    create_permission: ServerAction<CreatePermission>,
    delete_permission: ServerAction<DeletePermission>,
}

#[component]
fn Roles(project: Membership) -> impl IntoView {
    let actions = Actions {
        toggle: ServerAction::new(),
        create_role: ServerAction::new(),
        delete_role: ServerAction::new(),
        create_permission: ServerAction::new(),
        delete_permission: ServerAction::new(),
    };
    let slug = project.slug.clone();
    let data = Resource::new(
        move || {
            [
                actions.toggle.version().get(),
                actions.create_role.version().get(),
                actions.delete_role.version().get(),
                actions.create_permission.version().get(),
                actions.delete_permission.version().get(),
            ]
        },
        move |_| list_roles(slug.clone()),
    );
    let error = Signal::derive(move || {
        [
            action_error(actions.toggle),
            action_error(actions.create_role),
            action_error(actions.delete_role),
            action_error(actions.create_permission),
            action_error(actions.delete_permission),
        ]
        .into_iter()
        .find_map(|e| e.get())
    });
    view! {
        <header class="page-header">
            <div>
                <h1>"Roles"</h1>
                <p class="muted">
                    "What the members of your app's organizations may do in " <strong>{project.name.clone()}</strong>
                    ". super_admin holds every permission; admin and member are yours to change, and you may add roles and permissions of your own."
                </p>
            </div>
        </header>
        <FormAlert error=error />
        <Transition fallback=|| view! { <div class="skeleton skeleton-block"></div> }>
            {
                let slug = project.slug.clone();
                move || {
                    let slug = slug.clone();
                    Suspend::new(async move {
                        match data.await {
                            Err(e) => view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }.into_any(),
                            Ok(view_data) => view! { <Grid data=view_data slug=slug actions=actions /> }.into_any(),
                        }
                    })
                }
            }
        </Transition>
    }
}

#[component]
fn Grid(data: RolesView, slug: String, actions: Actions) -> impl IntoView {
    let can = data.can_change;
    let headers =
        data.roles.iter().map(|r| view! { <th scope="col" class="role-col">{r.slug.clone()}</th> }).collect_view();
    let rows = data
        .permissions
        .iter()
        .map(|p| {
            let cells = data
                .roles
                .iter()
                .map(|r| view! { <Cell role=r.clone() permission=p.slug.clone() can=can slug=slug.clone() actions=actions /> })
                .collect_view();
            view! {
                <tr>
                    <th scope="row">
                        <code>{p.slug.clone()}</code>
                        {(!p.built_in).then(|| view! { <span class="badge badge-inline">"Yours"</span> })}
                    </th>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    let own_roles: Vec<RoleRow> = data.roles.iter().filter(|r| !r.fixed).cloned().collect();
    let own_permissions: Vec<PermissionRow> = data.permissions.iter().filter(|p| !p.built_in).cloned().collect();
    view! {
        <div class="table-wrap">
            <table class="table role-grid">
                <caption class="visually-hidden">"Permissions of each role"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Permission"</th>
                        {headers}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        {can.then(|| view! { <NewForms slug=slug.clone() actions=actions /> })}
        {can.then(|| view! { <Removals roles=own_roles permissions=own_permissions slug=slug.clone() actions=actions /> })}
    }
}

#[component]
fn Cell(role: RoleRow, permission: String, can: bool, slug: String, actions: Actions) -> impl IntoView {
    let held = role.permissions.contains(&permission);
    let label = format!("{} holds {}", role.slug, permission);
    if role.fixed || !can {
        let mark = if held { "✓" } else { "—" };
        return view! {
            <td class="grid-cell">
                <span aria-hidden="true">{mark}</span>
                <span class="visually-hidden">{if held { label } else { format!("{} lacks {}", role.slug, permission) }}</span>
            </td>
        }
        .into_any();
    }
    let (grant, mark, verb) = if held { ("0", "✓", "Take") } else { ("1", "", "Grant") };
    view! {
        <td class="grid-cell">
            <ActionForm action=actions.toggle attr:class="inline-form">
                <input type="hidden" name="slug" value=slug />
                <input type="hidden" name="role_id" value=role.id.clone() />
                <input type="hidden" name="permission" value=permission.clone() />
                <input type="hidden" name="grant" value=grant />
                <button
                    type="submit"
                    class="button button-small tick"
                    aria-pressed=if held { "true" } else { "false" }
                    aria-label=format!("{verb} {permission} {} {}", if held { "from" } else { "to" }, role.slug)
                >
                    {mark}
                </button>
            </ActionForm>
        </td>
    }
    .into_any()
}

#[component]
fn NewForms(slug: String, actions: Actions) -> impl IntoView {
    let role_error = action_error(actions.create_role);
    let permission_error = action_error(actions.create_permission);
    let field = |error: Signal<Option<crate::error::AppError>>, name: &'static str| {
        Signal::derive(move || error.get().and_then(|e| e.field_message(name)))
    };
    let role_slug = slug.clone();
    view! {
        <div class="two-column">
            <section class="card form-card" aria-labelledby="new-role-title">
                <h2 id="new-role-title">"New role"</h2>
                <ActionForm action=actions.create_role attr:class="form">
                    <input type="hidden" name="slug" value=role_slug />
                    <Field label="Role name" name="role_name" maxlength=100 error=field(role_error, "name") />
                    <Field label="Role slug" name="role_slug" maxlength=64 hint="Like billing." error=field(role_error, "slug") />
                    <div class="form-actions">
                        <button type="submit" class="button button-primary" data-busy="Adding…">"Add role"</button>
                    </div>
                </ActionForm>
            </section>
            <section class="card form-card" aria-labelledby="new-permission-title">
                <h2 id="new-permission-title">"New permission"</h2>
                <ActionForm action=actions.create_permission attr:class="form">
                    <input type="hidden" name="slug" value=slug />
                    <Field label="Permission name" name="permission_name" maxlength=100 error=field(permission_error, "name") />
                    <Field
                        label="Permission slug"
                        name="permission_slug"
                        maxlength=100
                        hint="resource.action, like invoice.approve."
                        error=field(permission_error, "slug")
                    />
                    <div class="form-actions">
                        <button type="submit" class="button button-primary" data-busy="Adding…">"Add permission"</button>
                    </div>
                </ActionForm>
            </section>
        </div>
    }
}

#[component]
fn Removals(roles: Vec<RoleRow>, permissions: Vec<PermissionRow>, slug: String, actions: Actions) -> impl IntoView {
    let role_items = roles
        .into_iter()
        .map(|r| {
            let (s, id) = (slug.clone(), r.id.clone());
            view! {
                <li class="removal">
                    <span><strong>{r.name.clone()}</strong> " " <code>{r.slug.clone()}</code></span>
                    <Confirm label=format!("Delete role {}", r.slug) question=format!("Delete the role {}? Members lose it.", r.slug)>
                        <ActionForm action=actions.delete_role>
                            <input type="hidden" name="slug" value=s />
                            <input type="hidden" name="role_id" value=id />
                            <button type="submit" class="button button-danger button-small">"Delete"</button>
                        </ActionForm>
                    </Confirm>
                </li>
            }
        })
        .collect_view();
    let permission_items = permissions
        .into_iter()
        .map(|p| {
            let (s, id) = (slug.clone(), p.id.clone());
            view! {
                <li class="removal">
                    <span><strong>{p.name.clone()}</strong> " " <code>{p.slug.clone()}</code></span>
                    <Confirm label=format!("Delete permission {}", p.slug) question=format!("Delete {}? Every role loses it.", p.slug)>
                        <ActionForm action=actions.delete_permission>
                            <input type="hidden" name="slug" value=s />
                            <input type="hidden" name="permission_id" value=id />
                            <button type="submit" class="button button-danger button-small">"Delete"</button>
                        </ActionForm>
                    </Confirm>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="card form-card" aria-labelledby="own-title">
            <h2 id="own-title">"Roles and permissions"</h2>
            <ul class="removals">{role_items}{permission_items}</ul>
        </section>
    }
}
