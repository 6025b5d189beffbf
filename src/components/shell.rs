//! The signed-in frame: top bar (project switcher, user menu), the project's
//! sections in a sidebar, and the page in the middle.

use crate::api::auth::{get_viewer, SignOut};
use crate::domain::{Membership, Viewer};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::components::{Outlet, A};
use leptos_router::hooks::{use_location, use_params_map};

/// The viewer, loaded once by the shell and read by the pages inside it.
#[derive(Clone, Copy)]
pub struct ViewerResource(pub Resource<Result<Viewer, AppError>>);

/// The current project's slug, from the URL.
pub fn use_slug() -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get("slug").unwrap_or_default())
}

/// Finds the project named in the URL among the viewer's projects.
pub fn current_project(viewer: &Viewer, slug: &str) -> Option<Membership> {
    viewer.projects.iter().find(|p| p.slug == slug).cloned()
}

#[component]
pub fn DashboardShell() -> impl IntoView {
    let viewer = Resource::new(|| (), |_| get_viewer());
    provide_context(ViewerResource(viewer));
    let slug = use_slug();
    let nav_open = RwSignal::new(false);
    // Close the mobile menu whenever the page changes.
    let location = use_location();
    Effect::new(move |_| {
        location.pathname.track();
        nav_open.set(false);
    });
    // A session that ended while the page was open: back to sign-in.
    Effect::new(move |_| {
        if let Some(Err(AppError::Unauthenticated)) = viewer.get() {
            let next = location.pathname.get_untracked();
            let next: String = js_escape(&next);
            let _ = window()
                .location()
                .set_href(&format!("/sign-in?next={next}"));
        }
    });

    view! {
        <div class="app" class:nav-open=move || nav_open.get()>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <header class="topbar">
                <button
                    type="button"
                    class="icon-button menu-button"
                    aria-label="Menu"
                    aria-controls="sidebar"
                    aria-expanded=move || nav_open.get().to_string()
                    on:click=move |_| nav_open.update(|open| *open = !*open)
                >
                    <span aria-hidden="true">"☰"</span>
                </button>
                <a class="brand" href="/">
                    <span class="brand-mark" aria-hidden="true">"B"</span>
                    <span class="brand-name">"Banata"</span>
                </a>
                <span class="topbar-divider" aria-hidden="true">"/"</span>
                <Transition fallback=|| view! { <span class="skeleton skeleton-switcher"></span> }>
                    {move || Suspend::new(async move {
                        match viewer.await {
                            Ok(v) => view! { <ProjectSwitcher viewer=v slug=slug /> }.into_any(),
                            Err(_) => ().into_any(),
                        }
                    })}
                </Transition>
                <div class="topbar-spacer"></div>
                <Transition fallback=|| view! { <span class="skeleton skeleton-avatar"></span> }>
                    {move || Suspend::new(async move {
                        match viewer.await {
                            Ok(v) => view! { <UserMenu viewer=v /> }.into_any(),
                            Err(_) => ().into_any(),
                        }
                    })}
                </Transition>
            </header>
            <nav class="sidebar" id="sidebar" aria-label="Project sections">
                <ul>
                    <li>
                        <A href=move || format!("/projects/{}/api-keys", slug.get())>
                            <span class="nav-icon" aria-hidden="true">"⚿"</span>
                            "API Keys"
                        </A>
                    </li>
                    <SoonItem label="Members" icon="👥" />
                    <SoonItem label="Audit log" icon="☰" />
                    <SoonItem label="Settings" icon="⚙" />
                </ul>
            </nav>
            <main class="content" id="main" tabindex="-1">
                <Outlet />
            </main>
        </div>
    }
}

/// Percent-encodes a path for the `next` parameter.
fn js_escape(path: &str) -> String {
    path.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A section that has an open issue but is not built yet.
#[component]
fn SoonItem(label: &'static str, icon: &'static str) -> impl IntoView {
    view! {
        <li>
            <span class="nav-soon" aria-disabled="true">
                <span class="nav-icon" aria-hidden="true">{icon}</span>
                {label}
                <span class="badge">"Soon"</span>
            </span>
        </li>
    }
}

#[component]
fn ProjectSwitcher(viewer: Viewer, slug: Memo<String>) -> impl IntoView {
    let projects = viewer.projects.clone();
    let current = move || current_project(&viewer, &slug.get());
    view! {
        <details class="menu switcher">
            <summary aria-label="Switch project">
                <span class="switcher-name">{move || current().map(|p| p.name).unwrap_or_else(|| "Select a project".into())}</span>
                <span class="caret" aria-hidden="true">"▾"</span>
            </summary>
            <div class="menu-panel" role="menu">
                <p class="menu-label">"Your projects"</p>
                {projects
                    .into_iter()
                    .map(|p| {
                        let href = format!("/projects/{}/api-keys", p.slug);
                        let is_current = {
                            let s = p.slug.clone();
                            move || slug.get() == s
                        };
                        view! {
                            <a class="menu-item" role="menuitem" href=href aria-current=move || is_current().then_some("true")>
                                <span>{p.name}</span>
                                <span class="role-badge">{p.role.label()}</span>
                            </a>
                        }
                    })
                    .collect_view()}
            </div>
        </details>
    }
}

#[component]
fn UserMenu(viewer: Viewer) -> impl IntoView {
    let sign_out = ServerAction::<SignOut>::new();
    let initials: String = viewer
        .user
        .name
        .split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .collect();
    view! {
        <details class="menu user-menu">
            <summary aria-label="Account menu">
                <span class="avatar" aria-hidden="true">{initials.to_uppercase()}</span>
            </summary>
            <div class="menu-panel menu-panel-right">
                <div class="menu-user">
                    <strong>{viewer.user.name.clone()}</strong>
                    <span class="muted">{viewer.user.email.clone()}</span>
                </div>
                <ActionForm action=sign_out>
                    <button type="submit" class="menu-item menu-button-item" disabled=move || sign_out.pending().get()>
                        {move || if sign_out.pending().get() { "Signing out…" } else { "Sign out" }}
                    </button>
                </ActionForm>
            </div>
        </details>
    }
}
