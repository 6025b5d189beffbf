//! `/projects/<slug>/settings`: rename, change the URL name, delete.
//! Owners only; others see the project's details read-only.

use super::auth_layout::{action_error, FormAlert};
use crate::api::projects::{ChangeSlug, DeleteProject, RenameProject};
use crate::components::field::Field;
use crate::components::shell::with_project;
use crate::domain::{Membership, Permission};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SettingsPage() -> impl IntoView {
    view! {
        <Title text="Settings" />
        {with_project(|project| view! { <Settings project=project /> })}
    }
}

#[component]
fn Settings(project: Membership) -> impl IntoView {
    let rename = ServerAction::<RenameProject>::new();
    let reslug = ServerAction::<ChangeSlug>::new();
    let delete = ServerAction::<DeleteProject>::new();
    let is_owner = project.role.grants(Permission::ProjectUpdate);
    let field = |action_err: Signal<Option<crate::error::AppError>>, name: &'static str| {
        Signal::derive(move || action_err.get().and_then(|e| e.field_message(name)))
    };
    let (rename_err, reslug_err, delete_err) = (action_error(rename), action_error(reslug), action_error(delete));
    let query = use_query_map();
    let renamed = move || query.with(|q| q.get("saved").is_some()) && rename.value().with(Option::is_none);
    let (slug_a, slug_b, slug_c, name) =
        (project.slug.clone(), project.slug.clone(), project.slug.clone(), project.name.clone());

    view! {
        <header class="page-header">
            <div>
                <h1>"Settings"</h1>
                <p class="muted">
                    "Project id " <code class="mono">{project.project_id.clone()}</code>
                </p>
            </div>
        </header>
        {if !is_owner {
            view! {
                <section class="card form-card">
                    <h2>{project.name.clone()}</h2>
                    <p class="muted">
                        "URL name " <code class="mono">{project.slug.clone()}</code>
                        ". Only the project's owners can change its settings."
                    </p>
                </section>
            }
                .into_any()
        } else {
            view! {
                <section class="card form-card" aria-labelledby="rename-title">
                    <h2 id="rename-title">"Project name"</h2>
                    <ActionForm action=rename attr:class="form form-row">
                        <input type="hidden" name="slug" value=slug_a.clone() />
                        <Field label="Name" name="name" maxlength=100 value=name.clone() error=field(rename_err, "name") />
                        <div class="form-actions">
                            <button type="submit" class="button button-primary">
                                "Save"
                            </button>
                        </div>
                    </ActionForm>
                    <FormAlert error=rename_err />
                    <p class="alert alert-success" role="status" hidden=move || !renamed()>"Saved."</p>
                </section>
                <section class="card form-card" aria-labelledby="slug-title">
                    <h2 id="slug-title">"URL name"</h2>
                    <p class="muted">"Changing it changes every link to this project; old links stop working."</p>
                    <ActionForm action=reslug attr:class="form form-row">
                        <input type="hidden" name="slug" value=slug_b.clone() />
                        <Field label="URL name" name="new_slug" maxlength=40 value=slug_b.clone() error=field(reslug_err, "slug") />
                        <div class="form-actions">
                            <button type="submit" class="button">
                                "Change URL name"
                            </button>
                        </div>
                    </ActionForm>
                    <FormAlert error=reslug_err />
                </section>
                <section class="card form-card danger-zone-card" aria-labelledby="delete-title">
                    <h2 id="delete-title">"Delete this project"</h2>
                    <p class="muted">
                        "Deleting revokes all of its API keys at once and removes every member. This cannot be undone."
                    </p>
                    <ActionForm action=delete attr:class="form form-row">
                        <input type="hidden" name="slug" value=slug_c.clone() />
                        <Field
                            label="Type the project's name to confirm"
                            name="confirm"
                            maxlength=100
                            error=field(delete_err, "confirm")
                        />
                        <div class="form-actions">
                            <button type="submit" class="button button-danger">
                                "Delete project"
                            </button>
                        </div>
                    </ActionForm>
                    <FormAlert error=delete_err />
                </section>
            }
                .into_any()
        }}
    }
}
