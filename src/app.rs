//! The HTML shell, the root component and the route table.

use crate::components::shell::DashboardShell;
use crate::pages::{
    api_keys::ApiKeysPage,
    audit_log::AuditLogPage,
    authentication::AuthenticationPage,
    invite::InvitePage,
    key_detail::KeyDetailPage,
    mail::MailPage,
    members::MembersPage,
    not_found::NotFound,
    password_reset::{ForgotPasswordPage, ResetPasswordPage},
    projects::ProjectsPage,
    sessions::SessionsPage,
    settings::SettingsPage,
    sign_in::SignInPage,
    sign_up::SignUpPage,
    test_key::TestKeyPage,
    users::{AddUserPage, UserPage, UsersPage},
    verify_email::VerifyEmailPage,
};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, Meta, Title};
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::hooks::use_params_map;
use leptos_router::{path, SsrMode};

/// The document around the app; rendered on the server only.
#[cfg(feature = "ssr")]
pub fn shell(options: LeptosOptions) -> impl IntoView {
    use leptos_meta::MetaTags;
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <AutoReload options=options.clone() />
                // Resolved once at start-up (content-hashed in release builds).
                <link rel="stylesheet" id="leptos" href=crate::site::stylesheet_href() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Effects run only in the browser, after hydration: a marker that the
    // page is interactive (browser tests wait for it instead of sleeping).
    Effect::new(|_| {
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-hydrated", "");
        }
    });
    view! {
        <Link rel="icon" href="/favicon.svg" type_="image/svg+xml" />
        <Meta name="color-scheme" content="light dark" />
        <Title formatter=|title: String| if title.is_empty() { "Banata".to_string() } else { format!("{title} · Banata") } />
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/sign-in") view=SignInPage />
                // Async: the page waits for the sign-up setting, so it works without JavaScript.
                <Route path=path!("/sign-up") view=SignUpPage ssr=SsrMode::Async />
                <Route path=path!("/projects") view=ProjectsPage ssr=SsrMode::Async />
                <Route path=path!("/account/sessions") view=SessionsPage ssr=SsrMode::Async />
                <Route path=path!("/invite/:token") view=InvitePage ssr=SsrMode::Async />
                <Route path=path!("/forgot-password") view=ForgotPasswordPage ssr=SsrMode::Async />
                <Route path=path!("/reset-password") view=ResetPasswordPage ssr=SsrMode::Async />
                <Route path=path!("/verify-email") view=VerifyEmailPage ssr=SsrMode::Async />
                <ParentRoute path=path!("/projects/:slug") view=DashboardShell ssr=SsrMode::Async>
                    <Route path=path!("api-keys") view=ApiKeysPage />
                    <Route path=path!("api-keys/:key_id") view=KeyDetailPage />
                    <Route path=path!("users") view=UsersPage />
                    <Route path=path!("users/new") view=AddUserPage />
                    <Route path=path!("users/:user_id") view=UserPage />
                    <Route path=path!("authentication") view=AuthenticationPage />
                    <Route path=path!("mail") view=MailPage />
                    <Route path=path!("members") view=MembersPage />
                    <Route path=path!("audit-log") view=AuditLogPage />
                    <Route path=path!("test-key") view=TestKeyPage />
                    <Route path=path!("settings") view=SettingsPage />
                    <Route path=path!("") view=ProjectHome />
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// `/projects/<slug>` opens the project's first section.
#[component]
fn ProjectHome() -> impl IntoView {
    let params = use_params_map();
    let target = params.read_untracked().get("slug").map(|s| format!("/projects/{s}/api-keys")).unwrap_or_default();
    view! { <Redirect path=target /> }
}
