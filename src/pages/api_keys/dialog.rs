//! What the create, roll and revoke dialogs share.

use leptos::html;
use leptos::prelude::*;

/// A dialog's "Cancel": closes it in place with JavaScript; without, a link
/// back to the page the dialog was opened over.
#[component]
pub(super) fn CancelLink(href: String, dialog: NodeRef<html::Dialog>) -> impl IntoView {
    let close = move |ev: leptos::ev::MouseEvent| {
        if let Some(d) = dialog.get() {
            ev.prevent_default();
            d.close();
        }
    };
    view! {
        <a class="button" href=href on:click=close>
            "Cancel"
        </a>
    }
}
