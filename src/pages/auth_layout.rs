//! The centred card that the sign-in and sign-up pages share.

use crate::error::AppError;
use leptos::prelude::*;

#[component]
pub fn AuthLayout(title: &'static str, subtitle: &'static str, children: Children) -> impl IntoView {
    view! {
        <main class="auth-page">
            <div class="auth-card">
                <div class="auth-brand">
                    <span class="brand-mark" aria-hidden="true">"B"</span>
                    <span class="brand-name">"Banata"</span>
                </div>
                <h1>{title}</h1>
                <p class="muted">{subtitle}</p>
                {children()}
            </div>
        </main>
    }
}

/// The form-level message: errors that belong to no single field.
#[component]
pub fn FormAlert(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    let message = move || error.get().filter(|e| !matches!(e, AppError::Invalid(_))).map(|e| e.to_string());
    view! {
        <div class="alert alert-error" role="alert" hidden=move || message().is_none()>
            {message}
        </div>
    }
}

/// The last error of a server action, for `FormAlert` and `Field`.
pub fn action_error<T, I>(action: ServerAction<I>) -> Signal<Option<AppError>>
where
    T: Send + Sync + 'static,
    I: server_fn::ServerFn<Output = T, Error = AppError> + Clone + Send + Sync + 'static,
{
    Signal::derive(move || action.value().with(|v| v.as_ref().and_then(|r| r.as_ref().err().cloned())))
}
