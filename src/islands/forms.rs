//! What every form on the page does once JavaScript runs. All forms are
//! server-rendered HTML that posts and gets a new page back, so:
//! - while one is being sent, its submit button is disabled and says what
//!   is happening ("Creating…", from its `data-busy`);
//! - a refused form comes back (`?__err=` from a server function, `?error=`
//!   from a form handler) with what was typed still in it. The values wait
//!   in the tab's sessionStorage for that one page load; password, hidden
//!   and file fields are never kept.

use leptos::prelude::*;

#[island]
pub fn Forms() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| browser::start());
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::*;
    use leptos::wasm_bindgen::{JsCast, JsValue};
    use web_sys::{
        HtmlButtonElement, HtmlFormElement, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement, NodeList,
    };

    const KEPT: &str = "banata-form:";
    const FIELDS: &str = "input[name], select[name], textarea[name]";

    pub fn start() {
        restore_refused();
        let on_submit = window_event_listener(leptos::ev::submit, |ev| {
            if ev.default_prevented() {
                return;
            }
            if let Some(form) = ev.target().and_then(|t| t.dyn_into::<HtmlFormElement>().ok()) {
                keep(&form);
            }
            if let Some(button) = ev.submitter().and_then(|b| b.dyn_into::<HtmlButtonElement>().ok()) {
                show_busy(button);
            }
        });
        // Back to a page kept in the browser's cache: its buttons work again.
        let on_show = window_event_listener(leptos::ev::pageshow, |_| {
            for button in all::<HtmlButtonElement>(document().query_selector_all("button[data-idle]")) {
                button.set_text_content(button.get_attribute("data-idle").as_deref());
                button.set_disabled(false);
            }
        });
        // For the page's lifetime.
        std::mem::forget((on_submit, on_show));
    }

    fn show_busy(button: HtmlButtonElement) {
        if let Some(busy) = button.get_attribute("data-busy") {
            let _ = button.set_attribute("data-idle", &button.text_content().unwrap_or_default());
            button.set_text_content(Some(&busy));
        }
        // After the form has been read: a disabled button sends nothing.
        set_timeout(move || button.set_disabled(true), std::time::Duration::ZERO);
    }

    fn all<T: JsCast>(found: Result<NodeList, JsValue>) -> Vec<T> {
        let Ok(nodes) = found else { return Vec::new() };
        (0..nodes.length()).filter_map(|i| nodes.item(i)).filter_map(|n| n.dyn_into::<T>().ok()).collect()
    }

    fn key(form: &HtmlFormElement) -> String {
        format!("{KEPT}{}", form.get_attribute("action").unwrap_or_default())
    }

    /// The form's typed values, as a query string in sessionStorage.
    fn keep(form: &HtmlFormElement) {
        let (Some(storage), Ok(values)) = (window().session_storage().ok().flatten(), web_sys::UrlSearchParams::new())
        else {
            return;
        };
        for field in all::<web_sys::Element>(form.query_selector_all(FIELDS)) {
            let name = field.get_attribute("name").unwrap_or_default();
            if let Some(input) = field.dyn_ref::<HtmlInputElement>() {
                match input.type_().as_str() {
                    "password" | "hidden" | "file" | "submit" => {}
                    "checkbox" => values.append(&name, if input.checked() { "1" } else { "0" }),
                    "radio" if input.checked() => values.append(&name, &input.value()),
                    "radio" => {}
                    _ => values.append(&name, &input.value()),
                }
            } else if let Some(select) = field.dyn_ref::<HtmlSelectElement>() {
                values.append(&name, &select.value());
            } else if let Some(area) = field.dyn_ref::<HtmlTextAreaElement>() {
                values.append(&name, &area.value());
            }
        }
        let _ = storage.set_item(&key(form), &String::from(values.to_string()));
    }

    /// Puts the kept values back if this page is a refusal, and forgets them either way.
    fn restore_refused() {
        let Some(storage) = window().session_storage().ok().flatten() else { return };
        let search = window().location().search().unwrap_or_default();
        let refused = search.contains("__err=") || search.contains("error=");
        let forms = all::<HtmlFormElement>(document().query_selector_all("form[action]"));
        let kept: Vec<String> = (0..storage.length().unwrap_or(0))
            .filter_map(|i| storage.key(i).ok().flatten())
            .filter(|k| k.starts_with(KEPT))
            .collect();
        for stored in kept {
            let value = storage.get_item(&stored).ok().flatten().unwrap_or_default();
            let _ = storage.remove_item(&stored);
            let (true, Some(form), Ok(values)) =
                (refused, forms.iter().find(|f| key(f) == stored), web_sys::UrlSearchParams::new_with_str(&value))
            else {
                continue;
            };
            for field in all::<web_sys::Element>(form.query_selector_all(FIELDS)) {
                let Some(value) = values.get(&field.get_attribute("name").unwrap_or_default()) else { continue };
                if let Some(input) = field.dyn_ref::<HtmlInputElement>() {
                    match input.type_().as_str() {
                        "password" | "hidden" | "file" | "submit" => {}
                        "checkbox" => input.set_checked(value == "1"),
                        "radio" => input.set_checked(value == input.value()),
                        _ => input.set_value(&value),
                    }
                } else if let Some(select) = field.dyn_ref::<HtmlSelectElement>() {
                    select.set_value(&value);
                } else if let Some(area) = field.dyn_ref::<HtmlTextAreaElement>() {
                    area.set_value(&value);
                }
            }
        }
    }
}
