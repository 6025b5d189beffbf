//! `/forgot-password` (ask for a reset link by mail) and
//! `/reset-password?token=…` (the link: choose a new password, which signs
//! out every other device and signs in here).

use super::auth_layout::{action_error, AuthLayout, FormAlert};
use crate::api::mail::{check_reset_link, mail_on, ForgotPassword, ResetPassword};
use crate::components::field::Field;
use crate::domain::ACCOUNT_PASSWORD_MIN;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let action = ServerAction::<ForgotPassword>::new();
    let error = action_error(action);
    let query = use_query_map();
    let sent = move || query.with(|q| q.get("sent").is_some());
    let mail = Resource::new(|| (), |_| mail_on());
    view! {
        <Title text="Forgot password" />
        <AuthLayout title="Reset your password" subtitle="We will mail you a link to choose a new one.">
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match mail.await {
                        Ok(false) => view! {
                            <div class="alert alert-warning" role="status">
                                "This server does not send mail. Ask its operator for a reset link: they can run "
                                <code>"banata user reset-password --email you@example.com"</code> "."
                            </div>
                        }
                            .into_any(),
                        _ => view! {
                            <div class="alert alert-success" role="status" hidden=move || !sent()>
                                "If an account uses this address, we sent it a link. It works once, for one hour."
                            </div>
                            <ActionForm action=action attr:class="form" attr:novalidate=true>
                                <FormAlert error=error />
                                <Field
                                    label="Email"
                                    name="email"
                                    kind="email"
                                    autocomplete="email"
                                    autofocus=true
                                    maxlength=254
                                    error=Signal::derive(move || error.get().and_then(|e| e.field_message("email")))
                                />
                                <button type="submit" class="button button-primary button-block" data-busy="Sending…">
                                    "Send reset link"
                                </button>
                            </ActionForm>
                        }
                            .into_any(),
                    }
                })}
            </Suspense>
            <p class="auth-switch">"Remembered it? " <a href="/sign-in">"Sign in"</a></p>
        </AuthLayout>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let usable = Resource::new(token, check_reset_link);
    let action = ServerAction::<ResetPassword>::new();
    let error = action_error(action);
    view! {
        <Title text="Choose a new password" />
        <AuthLayout title="Choose a new password" subtitle="Every other device signed in to your account will be signed out.">
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match usable.await {
                        Err(e) => view! {
                            <div class="alert alert-error" role="alert">{e.to_string()}</div>
                            <p class="auth-switch"><a href="/forgot-password">"Ask for a new link"</a></p>
                        }
                            .into_any(),
                        Ok(()) => view! {
                            <ActionForm action=action attr:class="form" attr:novalidate=true>
                                <FormAlert error=error />
                                <input type="hidden" name="token" value=token() />
                                <Field
                                    label="New password"
                                    name="password"
                                    kind="password"
                                    autocomplete="new-password"
                                    autofocus=true
                                    minlength=ACCOUNT_PASSWORD_MIN
                                    maxlength=256
                                    hint="At least 8 characters."
                                    error=Signal::derive(move || error.get().and_then(|e| e.field_message("password")))
                                />
                                <button type="submit" class="button button-primary button-block" data-busy="Saving…">
                                    "Set password and sign in"
                                </button>
                            </ActionForm>
                        }
                            .into_any(),
                    }
                })}
            </Suspense>
        </AuthLayout>
    }
}
