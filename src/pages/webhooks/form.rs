//! What the Webhooks pages share: the endpoint form's fields (URL and the
//! event types, one checkbox each), an endpoint's status, and the one-time
//! reveal of a signing secret.

use crate::components::copy::CopyField;
use crate::domain::events::subscribable;
use crate::domain::webhooks::{WebhookEndpoint, WebhookSecret};
use crate::islands::dialog::{DoneButton, Modal};
use leptos::prelude::*;

/// URL and event types, filled with `url` and `events` (none ticked: every event).
#[component]
pub(super) fn EndpointFields(url: String, events: Vec<String>, error: Option<String>) -> impl IntoView {
    let error_id = "webhook-form-error";
    let invalid = error.is_some().then_some("true");
    let no_error = error.is_none();
    let boxes = subscribable()
        .map(|kind| {
            let name = kind.as_str();
            let id = format!("event-{}", name.replace('.', "-"));
            let checked = events.iter().any(|e| e == name);
            let label_for = id.clone();
            view! {
                <label class="checkbox" for=label_for>
                    <input type="checkbox" id=id name="events" value=name checked=checked />
                    <code class="mono">{name}</code>
                </label>
            }
        })
        .collect_view();
    view! {
        <div class="field">
            <label for="field-url">"Endpoint URL"</label>
            <input
                id="field-url"
                class="input"
                type="url"
                name="url"
                required
                maxlength="2048"
                placeholder="https://example.com/api/webhooks/banata"
                value=url
                aria-describedby="field-url-hint"
                aria-invalid=invalid
            />
            <p class="field-hint" id="field-url-hint">"An https:// address of your app that answers 2xx within 30 seconds."</p>
        </div>
        <fieldset class="fieldset event-picker">
            <legend>"Events"</legend>
            <p class="field-hint">"Tick none to receive every event, including ones added later."</p>
            <div class="event-grid">{boxes}</div>
        </fieldset>
        <p class="alert alert-error" role="alert" id=error_id hidden=no_error>{error}</p>
    }
}

/// "Active", or why it receives nothing.
#[component]
pub(super) fn EndpointStatus(endpoint: WebhookEndpoint) -> impl IntoView {
    match (endpoint.enabled, endpoint.disabled_reason.as_deref()) {
        (true, _) => view! { <span class="status status-active">"Active"</span> }.into_any(),
        (false, Some("gone")) => view! {
            <span class="status status-banned" title="The receiver answered 410 Gone">"Disabled: gone"</span>
        }
        .into_any(),
        (false, Some("failing")) => view! {
            <span class="status status-banned" title="Three deliveries in a row failed">"Disabled: failing"</span>
        }
        .into_any(),
        (false, _) => view! { <span class="status status-revoked">"Disabled"</span> }.into_any(),
    }
}

/// "All events", or the subscribed types.
pub(super) fn events_text(endpoint: &WebhookEndpoint) -> String {
    match endpoint.event_types.is_empty() {
        true => "All events".to_string(),
        false => endpoint.event_types.join(", "),
    }
}

/// A new signing secret, shown once, over the page it was made on.
#[component]
pub(super) fn SecretReveal(secret: WebhookSecret, back: String) -> impl IntoView {
    let heading = match secret.previous_until {
        Some(_) => "Your new signing secret",
        None => "Your endpoint is ready",
    };
    let previous = secret.previous_until.clone().map(|until| {
        view! {
            <p class="muted">
                "The previous secret also signs deliveries until " <time datetime=until.clone()>{until.clone()}</time>
                ". Banata's SDK checks the first signature, made with this new secret: switch your app to it now."
            </p>
        }
    });
    view! {
        <Modal back=back.clone() labelledby="reveal-title".to_string()>
            <div class="reveal">
                <h2 id="reveal-title">{heading}</h2>
                <p>
                    "Deliveries to " <code class="mono">{secret.url.clone()}</code>
                    " are signed with this secret. Put it in your app's environment (for example "
                    <code class="mono">"BANATA_WEBHOOK_SECRET"</code> ") and verify every delivery with it."
                </p>
                <CopyField label="Signing secret" copies="secret" value=secret.secret.clone() />
                {previous}
                <p class="alert alert-warning" role="note">
                    "This secret won't be shown again. If you lose it, rotate it on the endpoint's page."
                </p>
                <div class="dialog-actions">
                    <DoneButton href=back />
                </div>
            </div>
        </Modal>
    }
}
