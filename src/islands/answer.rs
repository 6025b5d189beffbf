//! A form's answer page (`http::answer_page`) sits at the form's POST
//! address. Once live, this puts the page's own address in its place, so a
//! reload shows the page instead of sending the form again, and the page's
//! other forms return to it.

use leptos::prelude::*;

#[island]
pub fn ReplaceUrl(
    /// The address of the page shown.
    path: String,
) -> impl IntoView {
    Effect::new(move |_| {
        let _ =
            window().history().map(|h| h.replace_state_with_url(&leptos::wasm_bindgen::JsValue::NULL, "", Some(&path)));
    });
}
