//! The signed-in frames. `DashboardShell` wraps a project's pages: top bar
//! (project switcher, user menu), the project's sections in a sidebar, the
//! page in the middle. `PlainShell` is the same top bar without a project.

use super::icons::{Icon, Svg};
use crate::api::auth::{get_viewer, SignOut};
use crate::api::keys::expiring_keys;
use crate::api::projects::open_project;
use crate::components::verify_banner::VerifyBanner;
use crate::domain::{Membership, Role, SignedInUser};
use crate::error::AppError;
use crate::islands::menu::{MenuButton, MenuFilter};
use leptos::prelude::*;
use leptos_router::components::{Outlet, A};
use leptos_router::hooks::use_params_map;

/// What the pages inside a project read: who is signed in, and the current
/// project with their role (which the server resolved from the URL's slug).
#[derive(Clone, Copy)]
pub struct ProjectContext {
    pub signed_in: Resource<Result<SignedInUser, AppError>>,
    pub project: Resource<Result<Membership, AppError>>,
    pub slug: Memo<String>,
}

pub fn use_project() -> ProjectContext {
    expect_context::<ProjectContext>()
}

/// The current project's slug, from the URL.
fn use_slug() -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get("slug").unwrap_or_default())
}

/// A page inside a project: renders `body` once the project is known, and
/// "Project not found" (404) when the caller may not see it.
pub fn with_project<V: IntoView + 'static>(
    body: impl Fn(Membership) -> V + Send + Sync + Clone + 'static,
) -> impl IntoView {
    let ctx = use_project();
    view! {
        <Transition fallback=|| view! { <div class="skeleton skeleton-block"></div> }>
            {move || {
                let body = body.clone();
                Suspend::new(async move {
                    match ctx.project.await {
                        Ok(project) => body(project).into_any(),
                        Err(AppError::Unauthenticated) => ().into_any(),
                        Err(_) => view! { <ProjectNotFound /> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

#[component]
pub fn DashboardShell() -> impl IntoView {
    let slug = use_slug();
    let signed_in = Resource::new(move || slug.get(), |_| get_viewer());
    let project = Resource::new(move || slug.get(), open_project);
    // How many keys expire within a week (the badge beside "API Keys").
    let expiring = Resource::new(move || slug.get(), expiring_keys);
    provide_context(ProjectContext { signed_in, project, slug });
    let section = move |path: &'static str| move || format!("/projects/{}/{path}", slug.get());

    view! {
        <div class="app">
            <a class="skip-link" href="#main">"Skip to content"</a>
            <TopBar signed_in=signed_in slug=Some(slug) />
            <nav class="sidebar" id="sidebar" aria-label="Project sections">
                <ul>
                    <li>
                        <A href=section("api-keys")>
                            <Svg icon=Icon::Key />
                            "API Keys"
                            <Transition fallback=|| ()>
                                {move || Suspend::new(async move {
                                    match expiring.await {
                                        Ok(n) if n > 0 => {
                                            let words = format!("{n} key{} expiring within 7 days", if n == 1 { "" } else { "s" });
                                            let title = words.clone();
                                            view! {
                                                <span class="badge badge-warning nav-count" title=title>
                                                    <span aria-hidden="true">{n}</span>
                                                    <span class="visually-hidden">{words}</span>
                                                </span>
                                            }
                                                .into_any()
                                        }
                                        _ => ().into_any(),
                                    }
                                })}
                            </Transition>
                        </A>
                    </li>
                    <li>
                        <A href=section("users")>
                            <Svg icon=Icon::Person />
                            "Users"
                        </A>
                    </li>
                    <li>
                        <A href=section("organizations")>
                            <Svg icon=Icon::Building />
                            "Organizations"
                        </A>
                    </li>
                    <li>
                        <A href=section("roles")>
                            <Svg icon=Icon::Shield />
                            "Roles"
                        </A>
                    </li>
                    <li>
                        <A href=section("authentication")>
                            <Svg icon=Icon::Lock />
                            "Authentication"
                        </A>
                    </li>
                    <li>
                        <A href=section("webhooks")>
                            <Svg icon=Icon::Webhook />
                            "Webhooks"
                        </A>
                    </li>
                    <li>
                        <A href=section("mail")>
                            <Svg icon=Icon::Mail />
                            "Mail"
                        </A>
                    </li>
                    <li>
                        <A href=section("members")>
                            <Svg icon=Icon::Users />
                            "Members"
                        </A>
                    </li>
                    <li>
                        <A href=section("audit-log")>
                            <Svg icon=Icon::List />
                            "Audit log"
                        </A>
                    </li>
                    <li>
                        <A href=section("settings")>
                            <Svg icon=Icon::Settings />
                            "Settings"
                        </A>
                    </li>
                </ul>
            </nav>
            <main class="content" id="main" tabindex="-1">
                <VerifyBanner signed_in=signed_in />
                <Outlet />
            </main>
        </div>
    }
}

/// The frame of signed-in pages outside any project (the project list).
#[component]
pub fn PlainShell(children: Children) -> impl IntoView {
    let signed_in = Resource::new(|| (), |_| get_viewer());
    view! {
        <div class="app app-plain">
            <a class="skip-link" href="#main">"Skip to content"</a>
            <TopBar signed_in=signed_in slug=None />
            <main class="content content-plain" id="main" tabindex="-1">
                <VerifyBanner signed_in=signed_in />
                {children()}
            </main>
        </div>
    }
}

#[component]
fn TopBar(signed_in: Resource<Result<SignedInUser, AppError>>, slug: Option<Memo<String>>) -> impl IntoView {
    view! {
        <header class="topbar">
            // Only a project's pages have sections to show.
            {slug.map(|_| view! { <MenuButton><Svg icon=Icon::Menu size=20 /></MenuButton> })}
            <a class="brand" href="/projects">
                <span class="brand-mark" aria-hidden="true">"B"</span>
                <span class="brand-name">"Banata"</span>
            </a>
            <span class="topbar-divider" aria-hidden="true">"/"</span>
            <Transition fallback=|| view! { <span class="skeleton skeleton-switcher"></span> }>
                {move || Suspend::new(async move {
                    match signed_in.await {
                        Ok(v) => view! { <ProjectSwitcher signed_in=v slug=slug /> }.into_any(),
                        Err(_) => ().into_any(),
                    }
                })}
            </Transition>
            <div class="topbar-spacer"></div>
            <Transition fallback=|| view! { <span class="skeleton skeleton-avatar"></span> }>
                {move || Suspend::new(async move {
                    match signed_in.await {
                        Ok(v) => view! { <UserMenu signed_in=v /> }.into_any(),
                        Err(_) => ().into_any(),
                    }
                })}
            </Transition>
        </header>
    }
}

/// The project menu: the current project, a filter, every project of the
/// user with their role. A `<details>` so it works without JavaScript.
#[component]
fn ProjectSwitcher(signed_in: SignedInUser, slug: Option<Memo<String>>) -> impl IntoView {
    let current_slug = move || slug.map(|s| s.get()).unwrap_or_default();
    let current_name = {
        let projects = signed_in.projects.clone();
        move || {
            let slug = current_slug();
            projects.iter().find(|p| p.slug == slug).map(|p| p.name.clone()).unwrap_or_else(|| "All projects".into())
        }
    };
    let projects = StoredValue::new(signed_in.projects);
    let show_filter = projects.with_value(|p| p.len() > 5);
    view! {
        <details class="menu switcher">
            // Named by what it shows, then what it does: speech users say
            // the name they see (WCAG 2.5.3), screen readers hear both.
            <summary>
                <span class="switcher-name">{current_name}</span>
                <span class="visually-hidden">", switch project"</span>
                <span class="caret" aria-hidden="true">
                    <Svg icon=Icon::ChevronDown size=14 />
                </span>
            </summary>
            <div class="menu-panel">
                {show_filter.then(|| view! { <MenuFilter /> })}
                <p class="menu-label" id="switcher-label">
                    "Your projects"
                </p>
                <ul class="menu-list" aria-labelledby="switcher-label">
                    {move || {
                        projects
                            .get_value()
                            .into_iter()
                            .map(|p| {
                                let href = format!("/projects/{}/api-keys", p.slug);
                                let is_current = p.slug == current_slug();
                                view! {
                                    <li data-slug=p.slug.clone()>
                                        <a class="menu-item" href=href aria-current=is_current.then_some("true")>
                                            <span class="menu-item-name">{p.name}</span>
                                            <span class="role-badge">{p.role.label()}</span>
                                        </a>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
                <div class="menu-footer">
                    <a class="menu-item" href="/projects">
                        "All projects"
                    </a>
                    <a class="menu-item" href="/projects#new-project">
                        "New project"
                    </a>
                </div>
            </div>
        </details>
    }
}

#[component]
fn UserMenu(signed_in: SignedInUser) -> impl IntoView {
    let sign_out = ServerAction::<SignOut>::new();
    let initials: String = signed_in.user.name.split_whitespace().filter_map(|w| w.chars().next()).take(2).collect();
    view! {
        <details class="menu user-menu">
            // Named like the switcher: the initials it shows, then what it is.
            <summary>
                <span class="avatar">{initials.to_uppercase()}</span>
                <span class="visually-hidden">", account menu"</span>
            </summary>
            <div class="menu-panel menu-panel-right">
                <div class="menu-user">
                    <strong>{signed_in.user.name.clone()}</strong>
                    <span class="muted">{signed_in.user.email.clone()}</span>
                </div>
                <a class="menu-item" href="/account/sessions">
                    "Sessions"
                </a>
                <ActionForm action=sign_out>
                    <button type="submit" class="menu-item" data-busy="Signing out…">
                        "Sign out"
                    </button>
                </ActionForm>
            </div>
        </details>
    }
}

/// A project that does not exist and one the user is not a member of look the same.
#[component]
pub fn ProjectNotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <section class="empty-state card">
            <h1>"Project not found"</h1>
            <p class="muted">"This project does not exist, or you are not a member of it."</p>
            <a class="button button-primary" href="/projects">
                "Go to your projects"
            </a>
        </section>
    }
}

/// "Owner", "Developer" or "Viewer", as a small badge.
#[component]
pub fn RoleBadge(role: Role) -> impl IntoView {
    view! { <span class=format!("role-pill role-{}", role.as_str())>{role.label()}</span> }
}
