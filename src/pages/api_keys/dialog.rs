//! What the create, roll and revoke dialogs share.

use crate::components::reveal::KeyReveal;
use crate::domain::CreatedKey;
use leptos::html;
use leptos::prelude::*;

/// Closes `dialog` in place, if JavaScript runs (the page holds it).
pub(super) fn close(dialog: NodeRef<html::Dialog>) {
    if let Some(d) = dialog.get() {
        d.close();
    }
}

/// A dialog's "Cancel": closes it in place with JavaScript; without, a link
/// back to the page the dialog was opened over.
#[component]
pub(super) fn CancelLink(href: String, dialog: NodeRef<html::Dialog>) -> impl IntoView {
    let on_click = move |ev: leptos::ev::MouseEvent| {
        if dialog.get().is_some() {
            ev.prevent_default();
            close(dialog);
        }
    };
    view! {
        <a class="button" href=href on:click=on_click>
            "Cancel"
        </a>
    }
}

/// A dialog's buttons: Cancel, and the submit button (`class`), which says
/// `busy` and is disabled while the action runs.
#[component]
pub(super) fn DialogActions(
    cancel: String,
    dialog: NodeRef<html::Dialog>,
    #[prop(into)] pending: Signal<bool>,
    idle: &'static str,
    busy: &'static str,
    #[prop(default = "button button-primary")] class: &'static str,
) -> impl IntoView {
    view! {
        <div class="dialog-actions">
            <CancelLink href=cancel dialog=dialog />
            <button type="submit" class=class disabled=move || pending.get()>
                {move || if pending.get() { busy } else { idle }}
            </button>
        </div>
    }
}

/// The dialog's last error, above its buttons; hidden while there is none.
#[component]
pub(super) fn DialogAlert(#[prop(into)] error: Signal<Option<String>>) -> impl IntoView {
    view! {
        <p class="alert alert-error" role="alert" hidden=move || error.get().is_none()>
            {move || error.get()}
        </p>
    }
}

/// A new key's one-time reveal in place of the form, and "Done" to close.
#[component]
pub(super) fn NewKeyReveal(done: CreatedKey, dialog: NodeRef<html::Dialog>) -> impl IntoView {
    view! {
        <KeyReveal name=done.key.name secret=done.secret auth_url=done.auth_url>
            <button type="button" class="button button-primary" on:click=move |_| close(dialog) autofocus>
                "Done"
            </button>
        </KeyReveal>
    }
}
