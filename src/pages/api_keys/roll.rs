//! "Roll key" (`?roll=<id>`): a new key replaces one, which works on for a
//! grace period. The form posts to a handler that answers with the list
//! and the new key's one-time reveal.

use super::dialog::{DialogActions, DialogAlert};
use crate::domain::form_errors::message_for;
use crate::domain::ApiKey;
use crate::islands::dialog::Modal;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub(super) fn RollDialog(slug: String, key: ApiKey) -> impl IntoView {
    let query = use_query_map();
    // A refused try, sent back with `?error=<code>`.
    let error = query.with_untracked(|q| q.get("error")).as_deref().and_then(message_for).map(String::from);
    let list = format!("/projects/{slug}/api-keys");
    let post_to = format!("{list}/roll");
    view! {
        <Modal back=list.clone() labelledby="roll-title".to_string()>
            <form class="form" method="post" action=post_to>
                <h2 id="roll-title">{format!("Roll key {}", key.name)}</h2>
                <p class="muted">
                    "A new key replaces it, with the same name, access and lifetime. Give your applications time to switch: the old key keeps working until the time you choose, then stops by itself."
                </p>
                <input type="hidden" name="slug" value=slug.clone() />
                <input type="hidden" name="key_id" value=key.id.clone() />
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
                <DialogActions cancel=list idle="Roll key" busy="Rolling…" />
            </form>
        </Modal>
    }
}
