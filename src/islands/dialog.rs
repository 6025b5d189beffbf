//! A dialog the server rendered open (its page's URL asked for it, e.g.
//! `?revoke=<id>`, or it answers a form post). Without JavaScript it sits
//! over the page and its Cancel and Done are links back. With it, it becomes
//! a real modal: focus stays inside, Escape, Cancel and Done close it in
//! place, the URL goes back to the page under it, and focus returns to the
//! link that opened it.

use leptos::prelude::*;

#[island]
pub fn Modal(
    /// The page under the dialog, where closing it leads.
    back: String,
    /// The id of the dialog's heading.
    labelledby: String,
    children: Children,
) -> impl IntoView {
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    // The URL that opened it: the href of the link to refocus on close.
    let opened_from = StoredValue::new(String::new());
    let back_to = back.clone();
    Effect::new(move |_| {
        let Some(d) = dialog.get() else { return };
        let location = window().location();
        opened_from.set_value(format!(
            "{}{}",
            location.pathname().unwrap_or_default(),
            location.search().unwrap_or_default()
        ));
        // A reload shows the page, and never re-sends a form post.
        let _ = window()
            .history()
            .map(|h| h.replace_state_with_url(&leptos::wasm_bindgen::JsValue::NULL, "", Some(&back_to)));
        // showModal refuses a dialog that is already open (non-modally).
        let _ = d.remove_attribute("open");
        let _ = d.show_modal();
    });
    let on_close = move |_| {
        let from = opened_from.get_value();
        if let Some(link) = find_link(&from) {
            let _ = link.focus();
        }
        // Nothing it showed (a new key, say) stays in the page.
        if let Some(d) = dialog.get() {
            d.remove();
        }
    };
    let on_click = move |ev: leptos::ev::MouseEvent| {
        use leptos::wasm_bindgen::JsCast;
        let closer = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("[data-close]").ok().flatten());
        if let (Some(_), Some(d)) = (closer, dialog.get()) {
            ev.prevent_default();
            d.close();
        }
    };
    view! {
        <dialog class="dialog" node_ref=dialog open aria-labelledby=labelledby on:close=on_close on:click=on_click>
            {children()}
        </dialog>
    }
}

/// The link on the page whose `href` is exactly `href`.
#[cfg(feature = "hydrate")]
fn find_link(href: &str) -> Option<web_sys::HtmlElement> {
    use leptos::wasm_bindgen::JsCast;
    let links = document().query_selector_all("a[href]").ok()?;
    (0..links.length())
        .filter_map(|i| links.item(i))
        .filter_map(|node| node.dyn_into::<web_sys::HtmlElement>().ok())
        .find(|link| link.get_attribute("href").as_deref() == Some(href))
}

#[cfg(not(feature = "hydrate"))]
fn find_link(_href: &str) -> Option<web_sys::HtmlElement> {
    None
}

/// A one-time answer's "Done": a link back to `href` as the server renders
/// it, a button that closes the dialog in place once the page is live.
#[island]
pub fn DoneButton(href: String) -> impl IntoView {
    let live = RwSignal::new(false);
    Effect::new(move |_| live.set(true));
    move || match live.get() {
        true => view! {
            <button type="button" class="button button-primary" data-close autofocus>
                "Done"
            </button>
        }
        .into_any(),
        false => view! {
            <a class="button button-primary" href=href.clone()>
                "Done"
            </a>
        }
        .into_any(),
    }
}
