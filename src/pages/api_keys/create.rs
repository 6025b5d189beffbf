//! "Create new key" and the one-time reveal of the new key.

use super::dialog::{DialogActions, NewKeyReveal};
use crate::api::keys::CreateKey;
use crate::components::field::Field;
use crate::components::form::dispatch_in_place;
use crate::domain::form_errors::message_for;
use crate::domain::Membership;
use crate::pages::auth_layout::action_error;
use leptos::html;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// "Create new key": a form that turns into the one-time reveal. Without
/// JavaScript (`?new=1`) it is rendered open and posts to a handler that
/// answers with the reveal page.
#[component]
pub(super) fn CreateDialog(
    project: Membership,
    action: ServerAction<CreateKey>,
    dialog: NodeRef<html::Dialog>,
    open: bool,
) -> impl IntoView {
    let query = use_query_map();
    // A plain form post sent back with `?error=<field>`.
    let url_error = move |name: &str| {
        query.with(|q| q.get("error")).filter(|code| code == name).and_then(|code| message_for(&code)).map(String::from)
    };
    let error = action_error(action);
    let field = move |name: &'static str| {
        Signal::derive(move || error.get().and_then(|e| e.field_message(name)).or_else(|| url_error(name)))
    };
    let expiry_error = Signal::derive(move || {
        error
            .get()
            .and_then(|e| e.field_message("expires_on").or_else(|| e.field_message("expires")))
            .or_else(|| url_error("expires_on"))
            .or_else(|| url_error("expires"))
    });
    let created = move || action.value().get().and_then(Result::ok);
    let pending = action.pending();
    let custom_date = RwSignal::new(false);
    let form_ref = NodeRef::<html::Form>::new();
    // Forget the secret the moment the dialog closes (Done, Esc, or Cancel).
    let forget = move || {
        action.value().set(None);
        if let Some(form) = form_ref.get() {
            form.reset();
        }
        custom_date.set(false);
    };
    let on_submit = dispatch_in_place(action, "create");
    let post_to = format!("/projects/{}/api-keys/new", project.slug);
    let cancel_href = format!("/projects/{}/api-keys", project.slug);
    let initial_name = query.with_untracked(|q| q.get("name")).unwrap_or_default();

    view! {
        <dialog
            class="dialog"
            node_ref=dialog
            open=open
            aria-labelledby=move || if created().is_some() { "reveal-title" } else { "create-title" }
            on:close=move |_| forget()
        >
            {move || match created() {
                Some(done) => view! { <NewKeyReveal done=done dialog=dialog /> }.into_any(),
                None => view! {
                    <form class="form" method="post" action=post_to.clone() node_ref=form_ref on:submit=on_submit>
                        <h2 id="create-title">"Create new key"</h2>
                        <p class="muted">"For " {project.name.clone()} ". One key per service makes rotation easy."</p>
                        <input type="hidden" name="slug" value=project.slug.clone() />
                        <Field
                            label="Name"
                            name="name"
                            maxlength=100
                            autofocus=true
                            value=initial_name.clone()
                            hint="What uses it, e.g. billing-worker."
                            error=field("name")
                        />
                        <div class="field">
                            <label for="field-expires">"Expires"</label>
                            <select
                                id="field-expires"
                                name="expires"
                                class="select"
                                on:change=move |ev| custom_date.set(event_target_value(&ev) == "date")
                            >
                                <option value="never" selected>"Never"</option>
                                <option value="30">"In 30 days"</option>
                                <option value="90">"In 90 days"</option>
                                <option value="365">"In 1 year"</option>
                                <option value="date">"On a date…"</option>
                            </select>
                        </div>
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
                        <div class="field" class:js-hidden=move || !custom_date.get()>
                            <label for="field-expires_on">"Expiry date (UTC)"</label>
                            <input
                                id="field-expires_on"
                                name="expires_on"
                                type="date"
                                aria-describedby="field-expires_on-error"
                                aria-invalid=move || expiry_error.get().map(|_| "true")
                            />
                            <p class="field-error" id="field-expires_on-error" role="alert" hidden=move || expiry_error.get().is_none()>
                                {move || expiry_error.get()}
                            </p>
                        </div>
                        <DialogActions cancel=cancel_href.clone() dialog=dialog pending=pending idle="Create key" busy="Creating…" />
                    </form>
                }
                    .into_any(),
            }}
        </dialog>
    }
}
