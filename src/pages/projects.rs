//! `/projects`: every project the user belongs to, and a form to make one.

use super::auth_layout::{action_error, FormAlert};
use crate::api::projects::{list_projects, CreateProject};
use crate::components::field::Field;
use crate::components::shell::{PlainShell, RoleBadge};
use crate::components::table::{Col, DataTable};
use leptos::prelude::*;
use leptos_meta::Title;

const PROJECT_COLUMNS: &[Col] =
    &[Col::text("Project"), Col::text("URL name"), Col::text("Your role"), Col::number("Active keys")];

#[component]
pub fn ProjectsPage() -> impl IntoView {
    let projects = Resource::new(|| (), |_| list_projects());
    let create = ServerAction::<CreateProject>::new();
    let error = action_error(create);
    let field = move |name: &'static str| Signal::derive(move || error.get().and_then(|e| e.field_message(name)));

    view! {
        <Title text="Projects" />
        <PlainShell>
            <header class="page-header">
                <div>
                    <h1>"Projects"</h1>
                    <p class="muted">"A project keeps its keys and members apart from every other project."</p>
                </div>
            </header>
            <Transition fallback=|| view! { <div class="skeleton skeleton-block"></div> }>
                {move || Suspend::new(async move {
                    match projects.await {
                        Ok(list) => view! {
                            <DataTable caption="Your projects" columns=PROJECT_COLUMNS>
                                        {list
                                            .into_iter()
                                            .map(|p| {
                                                view! {
                                                    <tr>
                                                        <td>
                                                            <a href=format!("/projects/{}/api-keys", p.project.slug)>
                                                                {p.project.name.clone()}
                                                            </a>
                                                        </td>
                                                        <td class="mono muted">{p.project.slug.clone()}</td>
                                                        <td><RoleBadge role=p.project.role /></td>
                                                        <td class="num">{p.key_count}</td>
                                                    </tr>
                                                }
                                            })
                                            .collect_view()}
                            </DataTable>
                        }
                            .into_any(),
                        Err(e) => view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }.into_any(),
                    }
                })}
            </Transition>

            <section class="card form-card" id="new-project" aria-labelledby="new-project-title">
                <h2 id="new-project-title">"New project"</h2>
                <p class="muted">"You will be its owner. Invite teammates from its Members page."</p>
                <ActionForm action=create attr:class="form form-inline">
                    <FormAlert error=error />
                    <Field label="Name" name="name" maxlength=100 error=field("name") />
                    <Field
                        label="URL name (optional)"
                        name="slug"
                        required=false
                        maxlength=40
                        hint="Lowercase letters, digits and dashes. Made from the name if left empty."
                        error=field("slug")
                    />
                    <div class="form-actions">
                        <button type="submit" class="button button-primary" data-busy="Creating…">
                            "Create project"
                        </button>
                    </div>
                </ActionForm>
            </section>
        </PlainShell>
    }
}
