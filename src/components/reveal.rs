//! The one-time reveal of a new key: the key in a field that selects itself,
//! Copy, and a plain warning that it will not be shown again.

use super::copy::CopyField;
use leptos::prelude::*;

#[component]
pub fn KeyReveal(name: String, secret: String, auth_url: String, children: Children) -> impl IntoView {
    view! {
        <div class="reveal">
            <h2 id="reveal-title">"Your new key"</h2>
            <p>
                "The key " <strong>{name}</strong> " is ready. Put it in your app's environment as "
                <code class="mono">"BANATA_API_KEY"</code> ", with this server's URL as "
                <code class="mono">"BANATA_AUTH_URL"</code> "."
            </p>
            <CopyField label="API key" copies="key" value=secret />
            <CopyField label="BANATA_AUTH_URL" copies="URL" value=auth_url />
            <p class="alert alert-warning" role="note">
                "This key won't be shown again. Store it somewhere safe. If you lose it, create a new one."
            </p>
            <div class="dialog-actions">{children()}</div>
        </div>
    }
}
