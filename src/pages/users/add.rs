//! `/projects/<slug>/users/new`: "Add user". The new user lands on their
//! page; without a password they cannot sign in with one until it is set
//! (through the admin API, or a reset once mail is on).

use crate::api::end_users::CreateEndUser;
use crate::components::field::Field;
use crate::components::missing::Missing;
use crate::components::shell::with_project;
use crate::domain::{Membership, Permission};
use crate::pages::auth_layout::{action_error, FormAlert};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AddUserPage() -> impl IntoView {
    view! {
        <Title text="Add user" />
        {with_project(|project| view! { <AddUser project=project /> })}
    }
}

#[component]
fn AddUser(project: Membership) -> impl IntoView {
    let create = ServerAction::<CreateEndUser>::new();
    let error = action_error(create);
    let field = move |name: &'static str| Signal::derive(move || error.get().and_then(|e| e.field_message(name)));
    let list = format!("/projects/{}/users", project.slug);
    if !project.role.grants(Permission::UserManage) {
        return view! {
            <Missing
                title="Add user"
                message="Only the project's owners and developers can add users."
                back=list
                back_label="Back to Users"
            />
        }
        .into_any();
    }
    view! {
        <nav class="breadcrumbs" aria-label="Breadcrumb">
            <a href=list.clone()>"Users"</a>
        </nav>
        <header class="page-header">
            <div>
                <h1>"Add user"</h1>
                <p class="muted">"A user of " <strong>{project.name.clone()}</strong> "'s app, as if they had signed up."</p>
            </div>
        </header>
        <section class="card form-card">
            <ActionForm action=create attr:class="form">
                <FormAlert error=error />
                <input type="hidden" name="slug" value=project.slug.clone() />
                <Field label="Name" name="name" maxlength=100 autocomplete="off" error=field("name") />
                <Field label="Email" name="email" kind="email" maxlength=254 autocomplete="off" error=field("email") />
                <Field
                    label="Password"
                    name="password"
                    kind="password"
                    autocomplete="new-password"
                    maxlength=128
                    required=false
                    hint="Optional. Without one, they cannot sign in with a password until it is set."
                    error=field("password")
                />
                <label class="checkbox">
                    <input type="checkbox" name="email_verified" value="1" />
                    "Their email is verified"
                </label>
                <div class="form-actions">
                    <a class="button" href=list>"Cancel"</a>
                    <button type="submit" class="button button-primary" data-busy="Adding…">
                        "Add user"
                    </button>
                </div>
            </ActionForm>
        </section>
    }
    .into_any()
}
