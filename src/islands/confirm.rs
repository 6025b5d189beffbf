//! A confirmation step for destructive actions that works without
//! JavaScript: a disclosure whose panel names the thing and holds the red
//! button (server-rendered children). The island adds Escape: it closes the
//! panel and returns focus to the trigger.

use leptos::prelude::*;

#[island]
pub fn Confirm(
    /// The trigger's text, e.g. "Remove".
    #[prop(into)]
    label: String,
    /// The question, naming the thing: "Remove Ada from this project?"
    #[prop(into)]
    question: String,
    /// The form with the destructive submit button.
    children: Children,
) -> impl IntoView {
    let details = NodeRef::<leptos::html::Details>::new();
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        use leptos::wasm_bindgen::JsCast;
        if ev.key() == "Escape" {
            if let Some(el) = details.get() {
                el.set_open(false);
                if let Some(summary) = el.first_element_child() {
                    let _ = summary.unchecked_into::<web_sys::HtmlElement>().focus();
                }
            }
        }
    };
    let group_label = question.clone();
    view! {
        <details class="confirm" node_ref=details on:keydown=on_keydown>
            <summary class="button button-small button-danger-outline">{label}</summary>
            <div class="confirm-panel" role="group" aria-label=group_label>
                <p>{question}</p>
                {children()}
            </div>
        </details>
    }
}
