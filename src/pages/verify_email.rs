//! `/verify-email?token=…`: the link in a new account's verification mail.

use super::auth_layout::AuthLayout;
use crate::api::mail::verify_email;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let verified = Resource::new(token, verify_email);
    view! {
        <Title text="Verify email" />
        <AuthLayout title="Verify your email" subtitle="Confirming the address of your Banata account.">
            <Suspense fallback=|| view! { <p class="muted">"Verifying…"</p> }>
                {move || Suspend::new(async move {
                    match verified.await {
                        Ok(email) => view! {
                            <div class="alert alert-success" role="status">{format!("{email} is verified. Thank you.")}</div>
                            <a class="button button-primary button-block" href="/">"Continue to the dashboard"</a>
                        }
                            .into_any(),
                        Err(e) => view! {
                            <div class="alert alert-error" role="alert">{e.to_string()}</div>
                            <p class="auth-switch">"Signed in? The banner at the top of the dashboard sends a new link."</p>
                            <a class="button button-block" href="/">"Go to the dashboard"</a>
                        }
                            .into_any(),
                    }
                })}
            </Suspense>
        </AuthLayout>
    }
}
