//! `/projects/<slug>/test-key`: paste a key, learn whether it works and
//! which of your projects it belongs to. Troubleshooting for "which key is
//! deployed where?". The key is sent once and neither logged nor stored.

use crate::components::answer::use_answer;
use crate::components::shell::with_project;
use crate::domain::{KeyCheck, KeyVerdict, Membership, Permission};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn TestKeyPage() -> impl IntoView {
    view! {
        <Title text="Test a key" />
        {with_project(|project| {
            if project.role.grants(Permission::ApiKeyCreate) {
                view! { <TestKeyForm project=project /> }.into_any()
            } else {
                view! {
                    <section class="empty-state card">
                        <h1>"Test a key"</h1>
                        <p class="muted">"Only the project's owners and developers can test keys."</p>
                    </section>
                }
                    .into_any()
            }
        })}
    }
}

#[component]
fn TestKeyForm(project: Membership) -> impl IntoView {
    // The verdict on the key just sent: the form's handler answers with this page.
    let result = use_answer::<KeyCheck>();
    view! {
        <header class="page-header">
            <div>
                <h1>"Test a key"</h1>
                <p class="muted">"Paste a key to see whether it works, and for which of your projects. It is not stored or logged."</p>
            </div>
        </header>
        <section class="card form-card">
            <form class="form form-inline" method="post" action=format!("/projects/{}/test-key", project.slug)>
                <input type="hidden" name="slug" value=project.slug.clone() />
                <div class="field">
                    <label for="field-key">"API key"</label>
                    <input id="field-key" name="key" type="password" autocomplete="off" spellcheck="false" required maxlength="200" class="mono" />
                </div>
                <div class="form-actions">
                    <button type="submit" class="button button-primary" data-busy="Testing…">
                        "Test"
                    </button>
                </div>
            </form>
            {result.map(|check| view! { <KeyCheckResult check=check /> })}
        </section>
    }
}

/// The verdict, in words, with the key and project when the user may know them.
#[component]
pub fn KeyCheckResult(check: KeyCheck) -> impl IntoView {
    let (class, headline) = match check.verdict {
        KeyVerdict::Valid => ("alert alert-success", "This key works."),
        KeyVerdict::Replaced => {
            ("alert alert-warning", "This key works for now: it was rolled and stops when its grace period ends.")
        }
        KeyVerdict::Revoked => ("alert alert-error", "This key was revoked: it no longer works."),
        KeyVerdict::Expired => ("alert alert-error", "This key has expired: it no longer works."),
        KeyVerdict::Malformed => ("alert alert-error", "This is not a Banata key: check that it was copied whole."),
        KeyVerdict::NotVisible => ("alert alert-warning", "This is not a key of a project you can see."),
    };
    let which = match (check.key_name, check.project_name, check.project_slug, check.key_id) {
        (Some(key), Some(project), Some(slug), Some(id)) => Some(view! {
            <p>
                "Key " <a href=format!("/projects/{slug}/api-keys/{id}")><strong>{key}</strong></a>
                " of project " <strong>{project}</strong> "."
            </p>
        }),
        _ => None,
    };
    view! {
        <div class=class role="status">
            <p><strong>{headline}</strong></p>
            {which}
        </div>
    }
}
