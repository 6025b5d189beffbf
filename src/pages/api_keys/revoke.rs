//! "Revoke key" (`?revoke=<id>`): stops a key at once.

use super::dialog::DialogActions;
use crate::api::keys::RevokeKey;
use crate::domain::ApiKey;
use crate::islands::dialog::Modal;
use leptos::prelude::*;

/// "Revoke key <name>?" with a red button. The form posts to the server
/// function, which sends the browser back to the list; a refusal shows
/// there, above the list.
#[component]
pub(super) fn RevokeDialog(slug: String, key: ApiKey, action: ServerAction<RevokeKey>) -> impl IntoView {
    let list = format!("/projects/{slug}/api-keys");
    view! {
        <Modal back=list.clone() labelledby="revoke-title".to_string()>
            <ActionForm action=action attr:class="form">
                <h2 id="revoke-title">{format!("Revoke key {}?", key.name)}</h2>
                <p class="muted">"Applications using it stop working at once. This cannot be undone."</p>
                <input type="hidden" name="slug" value=slug.clone() />
                <input type="hidden" name="key_id" value=key.id.clone() />
                <DialogActions cancel=list idle="Revoke" busy="Revoking…" class="button button-danger" />
            </ActionForm>
        </Modal>
    }
}
