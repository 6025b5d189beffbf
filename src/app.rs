//! The HTML shell, the root component and the route table.

use crate::components::answer::AnswerPage;
use crate::components::shell::DashboardShell;
use crate::islands::answer::ReplaceUrl;
use crate::pages::{
    api_keys::ApiKeysPage,
    audit_log::AuditLogPage,
    authentication::AuthenticationPage,
    invite::InvitePage,
    key_detail::KeyDetailPage,
    mail::MailPage,
    not_found::NotFound,
    organizations::{OrganizationPage, OrganizationsPage},
    password_reset::{ForgotPasswordPage, ResetPasswordPage},
    project_members::MembersPage,
    projects::ProjectsPage,
    roles::RolesPage,
    sessions::SessionsPage,
    settings::SettingsPage,
    sign_in::SignInPage,
    sign_up::SignUpPage,
    test_key::TestKeyPage,
    users::{AddUserPage, UserPage, UsersPage},
    verify_email::VerifyEmailPage,
    webhooks::{WebhookPage, WebhooksPage},
};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, Meta, Title};
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::hooks::use_params_map;
use leptos_router::{path, SsrMode};

/// Preloads the islands' files and starts them (`islands/loader.js`).
#[cfg(feature = "ssr")]
#[component]
fn IslandScripts() -> impl IntoView {
    // Islands mode: what is not an island is rendered without hydration markers.
    if let Some(context) = Owner::current_shared_context() {
        context.set_is_hydrating(false);
    }
    let (js, wasm) = (crate::site::islands_js(), crate::site::islands_wasm());
    view! {
        <link rel="modulepreload" href=js />
        <link rel="preload" href=wasm r#as="fetch" r#type="application/wasm" crossorigin="" />
        <script type="module" nonce=leptos::nonce::use_nonce()>
            {format!("{}({js:?}, {wasm:?});", include_str!("islands/loader.js"))}
        </script>
    }
}

/// The document around the app; rendered on the server only.
#[cfg(feature = "ssr")]
pub fn shell(options: LeptosOptions) -> impl IntoView {
    use crate::islands::forms::Forms;
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
                <IslandScripts />
                <MetaTags />
            </head>
            <body>
                <App />
                <Forms />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let answered = use_context::<AnswerPage>().map(|AnswerPage(path)| view! { <ReplaceUrl path=path /> });
    view! {
        {answered}
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
                    <Route path=path!("organizations") view=OrganizationsPage />
                    <Route path=path!("organizations/:org_id") view=OrganizationPage />
                    <Route path=path!("roles") view=RolesPage />
                    <Route path=path!("authentication") view=AuthenticationPage />
                    <Route path=path!("mail") view=MailPage />
                    <Route path=path!("members") view=MembersPage />
                    <Route path=path!("webhooks") view=WebhooksPage />
                    <Route path=path!("webhooks/:endpoint_id") view=WebhookPage />
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
