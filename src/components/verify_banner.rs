//! "Verify your email" across the top of the dashboard while a new
//! account's address is unproven (and mail is on), with a button that mails
//! a new link. Works as a plain form without JavaScript.

use crate::api::mail::ResendVerification;
use crate::domain::SignedInUser;
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn VerifyBanner(signed_in: Resource<Result<SignedInUser, AppError>>) -> impl IntoView {
    let resend = ServerAction::<ResendVerification>::new();
    let query = use_query_map();
    let answer = move || match resend.value().get_untracked() {
        Some(Err(e)) => Some(e.to_string()),
        _ => query.with(|q| q.get("verification_sent")).map(|_| "Sent. Check your inbox.".to_string()),
    };
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                signed_in.await.ok().filter(|s| s.needs_verification).map(|s| view! {
                    <div class="alert alert-warning verify-banner" role="region" aria-label="Account verification">
                        <p>
                            "Your email address " <strong>{s.user.email.clone()}</strong>
                            " is not verified yet: open the link we mail to it."
                        </p>
                        <ActionForm action=resend attr:class="inline-form">
                            <button type="submit" class="button button-small" data-busy="Sending…">
                                "Send a verification link"
                            </button>
                        </ActionForm>
                        <p class="muted" role="status">{answer}</p>
                    </div>
                })
            })}
        </Transition>
    }
}
