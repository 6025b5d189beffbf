use super::auth_layout::{action_error, AuthLayout, FormAlert};
use crate::api::auth::SignIn;
use crate::components::field::Field;
use crate::domain::percent_encode;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SignInPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let error = action_error(action);
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let sign_up_href = move || match query.read().get("next") {
        Some(n) => format!("/sign-up?next={}", percent_encode(&n)),
        None => "/sign-up".to_string(),
    };

    view! {
        <Title text="Sign in" />
        <AuthLayout title="Sign in" subtitle="Manage your projects' API keys.">
            <ActionForm action=action attr:class="form" attr:novalidate=true>
                <FormAlert error=error />
                <input type="hidden" name="next" value=next />
                <Field
                    label="Email"
                    name="email"
                    kind="email"
                    autocomplete="email"
                    autofocus=true
                    maxlength=254
                    error=Signal::derive(move || error.get().and_then(|e| e.field_message("email")))
                />
                <Field
                    label="Password"
                    name="password"
                    kind="password"
                    autocomplete="current-password"
                    maxlength=256
                    error=Signal::derive(move || error.get().and_then(|e| e.field_message("password")))
                />
                <button type="submit" class="button button-primary button-block" data-busy="Signing in…">
                    "Sign in"
                </button>
            </ActionForm>
            <p class="auth-switch"><a href="/forgot-password">"Forgot password?"</a></p>
            <p class="auth-switch">"New to Banata? " <a href=sign_up_href>"Sign up"</a></p>
        </AuthLayout>
    }
}
