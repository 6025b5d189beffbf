//! `/verify-email?token=…`: the link in a new account's verification mail.
//! Opening it changes nothing: a button does (mail scanners open links, and
//! would spend the token before the person does).

use super::auth_layout::{action_error, AuthLayout, FormAlert};
use crate::api::mail::VerifyEmail;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let done = move || query.read().get("verified").is_some();
    let action = ServerAction::<VerifyEmail>::new();
    let error = action_error(action);
    view! {
        <Title text="Verify email" />
        <AuthLayout title="Verify your email" subtitle="Confirm the address of your Banata account.">
            {move || match done() {
                true => view! {
                    <div class="alert alert-success" role="status">"Your email address is verified. Thank you."</div>
                    <a class="button button-primary button-block" href="/">"Continue to the dashboard"</a>
                }
                    .into_any(),
                false => view! {
                    <ActionForm action=action attr:class="form">
                        <FormAlert error=error />
                        <input type="hidden" name="token" value=token() />
                        <button type="submit" class="button button-primary button-block" data-busy="Verifying…">
                            "Verify email"
                        </button>
                    </ActionForm>
                    <p class="auth-switch">"A link that no longer works? Sign in: the banner at the top sends a new one."</p>
                }
                    .into_any(),
            }}
        </AuthLayout>
    }
}
