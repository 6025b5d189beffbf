//! The one-time reveal of a new key: the key in a field that selects itself,
//! Copy, and a plain warning that it will not be shown again.

use super::copy::CopyField;
use leptos::prelude::*;

#[component]
pub fn KeyReveal(name: String, secret: String, children: Children) -> impl IntoView {
    view! {
        <div class="reveal">
            <h2 id="reveal-title">"Your new key"</h2>
            <p>"The key " <strong>{name}</strong> " is ready. Copy it into your application's environment, e.g. "<code class="mono">"BANATA_API_KEY"</code>"."</p>
            <CopyField label="API key" value=secret />
            <p class="alert alert-warning" role="note">
                "This key won't be shown again. Store it somewhere safe. If you lose it, create a new one."
            </p>
            <div class="dialog-actions">{children()}</div>
        </div>
    }
}
