//! "Create new key" (`?new=1`). The form posts to a handler that answers
//! with this page and the new key's one-time reveal (`NewKeyReveal`), or
//! sends it back here with `?error=<field>`.

use super::dialog::DialogActions;
use crate::components::field::Field;
use crate::domain::form_errors::message_for;
use crate::domain::Membership;
use crate::islands::dialog::Modal;
use crate::islands::expiry::ExpiryFields;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub(super) fn CreateDialog(project: Membership) -> impl IntoView {
    let query = use_query_map();
    // The field the last try was refused for, and its message.
    let refused = query.with_untracked(|q| q.get("error"));
    let error_for = move |names: &[&str]| {
        refused.as_deref().filter(|code| names.contains(code)).and_then(message_for).map(String::from)
    };
    let post_to = format!("/projects/{}/api-keys/new", project.slug);
    let cancel_href = format!("/projects/{}/api-keys", project.slug);
    let initial_name = query.with_untracked(|q| q.get("name")).unwrap_or_default();

    view! {
        <Modal back=cancel_href.clone() labelledby="create-title".to_string()>
            <form class="form" method="post" action=post_to>
                <h2 id="create-title">"Create new key"</h2>
                <p class="muted">"For " {project.name.clone()} ". One key per service makes rotation easy."</p>
                <input type="hidden" name="slug" value=project.slug.clone() />
                <Field
                    label="Name"
                    name="name"
                    maxlength=100
                    autofocus=true
                    value=initial_name
                    hint="What uses it, e.g. billing-worker."
                    error=Signal::stored(error_for(&["name", "name_taken"]))
                />
                <ExpiryFields error=error_for(&["expires_on", "expires"]) />
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
                <DialogActions cancel=cancel_href idle="Create key" busy="Creating…" />
            </form>
        </Modal>
    }
}
