//! "Expires" on the new-key form. Without JavaScript the date field is
//! always there (and used when "On a date…" is chosen); with it, the field
//! shows only for that choice.

use leptos::prelude::*;

#[island]
pub fn ExpiryFields(
    /// The message for a refused date, if the last try had one.
    error: Option<String>,
) -> impl IntoView {
    let custom_date = RwSignal::new(false);
    let invalid = error.is_some().then_some("true");
    let error_hidden = error.is_none();
    view! {
        <div class="field">
            <label for="field-expires">"Expires"</label>
            <select
                id="field-expires"
                name="expires"
                class="select"
                on:change=move |ev| custom_date.set(event_target_value(&ev) == "date")
            >
                <option value="never" selected>"Never"</option>
                <option value="30">"In 30 days"</option>
                <option value="90">"In 90 days"</option>
                <option value="365">"In 1 year"</option>
                <option value="date">"On a date…"</option>
            </select>
        </div>
        <div class="field" class:js-hidden=move || !custom_date.get()>
            <label for="field-expires_on">"Expiry date (UTC)"</label>
            <input
                id="field-expires_on"
                name="expires_on"
                type="date"
                aria-describedby="field-expires_on-error"
                aria-invalid=invalid
            />
            <p class="field-error" id="field-expires_on-error" role="alert" hidden=error_hidden>
                {error}
            </p>
        </div>
    }
}
