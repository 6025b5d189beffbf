use super::auth_layout::{action_error, AuthLayout, FormAlert};
use crate::api::auth::{signup_open, SignUp};
use crate::components::field::Field;
use crate::domain::{percent_encode, ACCOUNT_PASSWORD_MIN};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SignUpPage() -> impl IntoView {
    let action = ServerAction::<SignUp>::new();
    let error = action_error(action);
    let open = Resource::new(|| (), |_| signup_open());
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let sign_in_href = move || match query.read().get("next") {
        Some(n) => format!("/sign-in?next={}", percent_encode(&n)),
        None => "/sign-in".to_string(),
    };
    let field = move |name: &'static str| Signal::derive(move || error.get().and_then(|e| e.field_message(name)));

    view! {
        <Title text="Sign up" />
        <AuthLayout title="Create your account" subtitle="You get a project of your own to start with.">
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    if open.await.unwrap_or(true) {
                        view! {
                            <ActionForm action=action attr:class="form" attr:novalidate=true>
                                <FormAlert error=error />
                                <input type="hidden" name="next" value=next />
                                <Field label="Name" name="name" autocomplete="name" autofocus=true maxlength=100 error=field("name") />
                                <Field label="Email" name="email" kind="email" autocomplete="email" maxlength=254 error=field("email") />
                                <Field
                                    label="Password"
                                    name="password"
                                    kind="password"
                                    autocomplete="new-password"
                                    hint="At least 8 characters."
                                    minlength=ACCOUNT_PASSWORD_MIN
                                    maxlength=256
                                    error=field("password")
                                />
                                <button type="submit" class="button button-primary button-block" data-busy="Creating account…">
                                    "Sign up"
                                </button>
                            </ActionForm>
                        }
                            .into_any()
                    } else {
                        view! {
                            <div class="alert alert-warning" role="status">
                                "Sign-up is closed on this server. Ask an administrator to create your account."
                            </div>
                        }
                            .into_any()
                    }
                })}
            </Suspense>
            <p class="auth-switch">"Already have an account? " <a href=sign_in_href>"Sign in"</a></p>
        </AuthLayout>
    }
}
