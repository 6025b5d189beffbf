//! "Copy" beside a read-only field: selects the field's text, writes it to
//! the clipboard and says "Copied" for two seconds. It reads the field, so
//! the value (often a secret) is in the page once, not in the island's props.

use leptos::prelude::*;

#[island]
pub fn CopyButton(
    /// The id of the `<input>` to copy.
    target: String,
    /// What it copies, in its accessible name ("Copy API key"), so two
    /// copy buttons side by side are told apart by a screen reader.
    what: String,
) -> impl IntoView {
    let copied = RwSignal::new(false);
    let copy = move |_| {
        use leptos::wasm_bindgen::JsCast;
        let Some(input) =
            document().get_element_by_id(&target).and_then(|el| el.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        // Where the Clipboard API is missing the text stays selected for Ctrl-C.
        input.select();
        let _ = window().navigator().clipboard().write_text(&input.value());
        copied.set(true);
        set_timeout(move || copied.set(false), std::time::Duration::from_secs(2));
    };
    let label = move || if copied.get() { format!("Copied {what}") } else { format!("Copy {what}") };
    view! {
        <button type="button" class="button" on:click=copy aria-live="polite" aria-label=label>
            {move || if copied.get() { "Copied" } else { "Copy" }}
        </button>
    }
}
