//! A secret shown once: a read-only monospace field that selects itself on
//! focus, and a Copy button that says "Copied" for two seconds.

use leptos::prelude::*;
use std::time::Duration;

#[component]
pub fn CopyField(label: &'static str, #[prop(into)] value: String) -> impl IntoView {
    let input = NodeRef::<leptos::html::Input>::new();
    let copied = RwSignal::new(false);
    let id = format!("copy-{}", label.to_lowercase().replace(' ', "-"));
    let select_all = move || {
        if let Some(el) = input.get() {
            el.select();
        }
    };
    let copy = {
        let value = value.clone();
        move |_| {
            select_all();
            // The Clipboard API; where it is missing the text stays selected
            // for Ctrl-C.
            let clipboard = window().navigator().clipboard();
            let _ = clipboard.write_text(&value);
            copied.set(true);
            set_timeout(move || copied.set(false), Duration::from_secs(2));
        }
    };
    view! {
        <div class="copy-field">
            <label class="visually-hidden" for=id.clone()>{label}</label>
            <input
                id=id
                node_ref=input
                class="mono copy-input"
                type="text"
                readonly=true
                spellcheck="false"
                autocomplete="off"
                value=value
                on:focus=move |_| select_all()
                on:click=move |_| select_all()
            />
            <button type="button" class="button" on:click=copy aria-live="polite">
                {move || if copied.get() { "Copied" } else { "Copy" }}
            </button>
        </div>
    }
}
