//! "Roll key": a new key replaces one, which works on for a grace period.

use super::dialog::{DialogActions, DialogAlert, NewKeyReveal};
use crate::api::keys::RollKey;
use crate::components::form::dispatch_in_place;
use crate::domain::form_errors::message_for;
use crate::domain::{ApiKey, KeyPage};
use crate::error::AppError;
use crate::pages::auth_layout::action_error;
use leptos::html;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// "Roll key <name>": choose how long the old key keeps working, then the
/// new key's one-time reveal. Without JavaScript (`?roll=<id>`) it is
/// rendered open and posts to a handler that answers with the reveal page.
#[component]
pub(super) fn RollDialog(
    slug: String,
    action: ServerAction<RollKey>,
    dialog: NodeRef<html::Dialog>,
    rolling: RwSignal<Option<ApiKey>>,
    /// The listed keys, to name the one in the URL.
    keys: Resource<Result<KeyPage, AppError>>,
) -> impl IntoView {
    let query = use_query_map();
    // Chosen from a row (JavaScript), or named in the URL (`?roll=<id>`).
    let from_url = query.with_untracked(|q| q.get("roll"));
    let open = from_url.is_some();
    let key_id = Memo::new(move |_| rolling.get().map(|k| k.id).or_else(|| from_url.clone()));
    let key_name = Memo::new(move |_| {
        let id = key_id.get()?;
        rolling.get().map(|k| k.name).or_else(|| {
            keys.get().and_then(Result::ok).and_then(|page| page.keys.into_iter().find(|k| k.id == id)).map(|k| k.name)
        })
    });
    let key_name = move || key_name.get().unwrap_or_else(|| "this key".into());
    let key_id = move || key_id.get();
    let action_error = action_error(action);
    // A plain form post sent back with `?error=<code>`, or this dialog's last try.
    let error = Signal::derive(move || {
        action_error
            .get()
            .map(|e| e.to_string())
            .or_else(|| query.with(|q| q.get("error")).and_then(|code| message_for(&code)).map(String::from))
    });
    let created = move || action.value().get().and_then(Result::ok);
    let list = format!("/projects/{slug}/api-keys");
    let post_to = format!("{list}/roll");
    let on_submit = dispatch_in_place(action, "roll");
    view! {
        <dialog
            class="dialog"
            node_ref=dialog
            open=open
            aria-labelledby=move || if created().is_some() { "reveal-title" } else { "roll-title" }
            on:close=move |_| action.value().set(None)
        >
            {move || match created() {
                Some(done) => view! { <NewKeyReveal done=done dialog=dialog /> }.into_any(),
                None => view! {
                    <form class="form" method="post" action=post_to.clone() on:submit=on_submit>
                        <h2 id="roll-title">{move || format!("Roll key {}", key_name())}</h2>
                        <p class="muted">
                            "A new key replaces it, with the same name, access and lifetime. Give your applications time to switch: the old key keeps working until the time you choose, then stops by itself."
                        </p>
                        <input type="hidden" name="slug" value=slug.clone() />
                        <input type="hidden" name="key_id" value=key_id />
                        <div class="field">
                            <label for="field-grace">"Old key stops working"</label>
                            <select id="field-grace" name="grace" class="select">
                                <option value="now">"Now"</option>
                                <option value="1h">"In 1 hour"</option>
                                <option value="24h" selected>"In 24 hours"</option>
                                <option value="7d">"In 7 days"</option>
                            </select>
                        </div>
                        <DialogAlert error=error />
                        <DialogActions cancel=list.clone() dialog=dialog pending=action.pending() idle="Roll key" busy="Rolling…" />
                    </form>
                }
                    .into_any(),
            }}
        </dialog>
    }
}
