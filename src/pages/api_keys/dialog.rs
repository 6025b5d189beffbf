//! What the create, roll and revoke dialogs share. Each is rendered open
//! when the URL asks for it and shown as a modal by `islands::dialog`.

use crate::components::reveal::KeyReveal;
use crate::domain::CreatedKey;
use crate::islands::dialog::{DoneButton, Modal};
use leptos::prelude::*;

/// A dialog's buttons: Cancel (back to the page under the dialog), and the
/// submit button (`class`), which says `busy` while the form is sent.
#[component]
pub(super) fn DialogActions(
    cancel: String,
    idle: &'static str,
    busy: &'static str,
    #[prop(default = "button button-primary")] class: &'static str,
) -> impl IntoView {
    view! {
        <div class="dialog-actions">
            <a class="button" href=cancel data-close>
                "Cancel"
            </a>
            <button type="submit" class=class data-busy=busy>
                {idle}
            </button>
        </div>
    }
}

/// The dialog's last error, above its buttons.
#[component]
pub(super) fn DialogAlert(error: Option<String>) -> impl IntoView {
    let hidden = error.is_none();
    view! {
        <p class="alert alert-error" role="alert" hidden=hidden>
            {error}
        </p>
    }
}

/// A new key's one-time reveal, over the list it was added to, and "Done".
#[component]
pub(super) fn NewKeyReveal(done: CreatedKey, back: String) -> impl IntoView {
    view! {
        <Modal back=back.clone() labelledby="reveal-title".to_string()>
            <KeyReveal name=done.key.name secret=done.secret auth_url=done.auth_url>
                <DoneButton href=back.clone() />
            </KeyReveal>
        </Modal>
    }
}
