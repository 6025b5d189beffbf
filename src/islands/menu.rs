//! The top bar's interactive parts. The menus themselves are `<details>`
//! and need no script; these add what a disclosure cannot do alone.

use leptos::prelude::*;

/// "Menu" on a phone: shows and hides the project sections (`.nav-open` on
/// the frame). Choosing a section loads its page, with the menu closed.
#[island]
pub fn MenuButton(
    /// The icon, rendered on the server.
    children: Children,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let toggle = move |_| {
        open.update(|o| *o = !*o);
        if let Some(frame) = document().query_selector(".app").ok().flatten() {
            let _ = frame.class_list().toggle_with_force("nav-open", open.get_untracked());
        }
    };
    view! {
        <button
            type="button"
            class="icon-button menu-button"
            aria-label="Menu"
            aria-controls="sidebar"
            aria-expanded=move || open.get().to_string()
            on:click=toggle
        >
            {children()}
        </button>
    }
}

/// "Find a project…" in a long project switcher: hides the projects whose
/// name (or URL name) does not contain what is typed.
#[island]
pub fn MenuFilter() -> impl IntoView {
    let on_input = move |ev: leptos::ev::Event| {
        use leptos::wasm_bindgen::JsCast;
        let needle = event_target_value(&ev).to_lowercase();
        let Ok(items) = document().query_selector_all(".switcher .menu-list li") else { return };
        for item in (0..items.length()).filter_map(|i| items.item(i)) {
            let Ok(item) = item.dyn_into::<web_sys::HtmlElement>() else { continue };
            let text = item.text_content().unwrap_or_default().to_lowercase();
            let slug = item.get_attribute("data-slug").unwrap_or_default();
            item.set_hidden(!(needle.is_empty() || text.contains(&needle) || slug.contains(&needle)));
        }
    };
    view! {
        <input
            class="menu-filter"
            type="search"
            placeholder="Find a project…"
            aria-label="Find a project"
            on:input=on_input
        />
    }
}
