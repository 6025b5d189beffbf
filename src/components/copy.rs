//! A secret shown once: a read-only monospace field and its Copy button
//! (`islands::copy`).

use crate::islands::copy::CopyButton;
use leptos::prelude::*;

/// `copies` names what the button copies, short ("key", "URL"), so that two
/// copy buttons side by side sound different and a field's own label
/// ("API key") names only the field.
#[component]
pub fn CopyField(label: &'static str, copies: &'static str, #[prop(into)] value: String) -> impl IntoView {
    let id = format!("copy-{}", label.to_lowercase().replace(' ', "-"));
    view! {
        <div class="copy-field">
            <label class="visually-hidden" for=id.clone()>{label}</label>
            <input
                id=id.clone()
                class="mono copy-input"
                type="text"
                readonly=true
                spellcheck="false"
                autocomplete="off"
                value=value
            />
            <CopyButton target=id what=copies.to_string() />
        </div>
    }
}
