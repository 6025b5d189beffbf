//! "Revoke key": stops a key at once.

use super::dialog::{close, DialogActions, DialogAlert};
use crate::api::keys::RevokeKey;
use crate::domain::ApiKey;
use crate::pages::auth_layout::action_error;
use leptos::html;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// "Revoke key <name>?" with a red button. Without JavaScript (`?revoke=<id>`)
/// it is rendered open for that key.
#[component]
pub(super) fn RevokeDialog(
    slug: String,
    action: ServerAction<RevokeKey>,
    dialog: NodeRef<html::Dialog>,
    revoking: RwSignal<Option<ApiKey>>,
    /// The listed keys, to find the one named in the URL.
    keys: Vec<ApiKey>,
) -> impl IntoView {
    let query = use_query_map();
    let from_url = query.with_untracked(|q| q.get("revoke"));
    let listed = from_url.and_then(|id| keys.into_iter().find(|k| k.id == id));
    let open = listed.is_some();
    // Chosen from a row (JavaScript), or named in the URL (`?revoke=<id>`).
    let target = Memo::new(move |_| revoking.get().or_else(|| listed.clone()));
    let key_id = move || target.get().map(|k| k.id);
    let key_name = move || target.get().map(|k| k.name).unwrap_or_else(|| "this key".into());
    let error = action_error(action);
    let message = Signal::derive(move || error.get().map(|e| e.to_string()));
    // Close once the revoke went through; the list reloads on its own.
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            close(dialog);
        }
    });
    let list = format!("/projects/{slug}/api-keys");
    view! {
        <dialog class="dialog" node_ref=dialog open=open aria-labelledby="revoke-title">
            <ActionForm action=action attr:class="form">
                <h2 id="revoke-title">{move || format!("Revoke key {}?", key_name())}</h2>
                <p class="muted">
                    "Applications using it stop working at once. This cannot be undone."
                </p>
                <input type="hidden" name="slug" value=slug.clone() />
                <input type="hidden" name="key_id" value=key_id />
                <DialogAlert error=message />
                <DialogActions
                    cancel=list.clone()
                    dialog=dialog
                    pending=action.pending()
                    idle="Revoke"
                    busy="Revoking…"
                    class="button button-danger"
                />
            </ActionForm>
        </dialog>
    }
}
