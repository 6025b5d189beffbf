//! `/projects/<slug>/users`: the people who signed up to the project's app.
//! Search by email or name and page through them (the state lives in the
//! URL, `q` and `after`, so it works as plain links without JavaScript);
//! the 30-day chart of sign-ins and sign-ups; "Add user".
//!
//! `detail`: a user's page; `add`: the "Add user" page; `status`: how a
//! user's status reads.

mod add;
mod detail;
mod status;

pub use add::AddUserPage;
pub use detail::UserPage;

use crate::api::end_users::list_end_users;
use crate::components::shell::with_project;
use crate::components::table::{Col, DataTable};
use crate::components::usage_chart::UsageChart;
use crate::domain::dates::{date_only, date_or};
use crate::domain::{percent_encode, EndUserPage, EndUserSummary, Membership, ACTIVITY_DAYS};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
use status::StatusLabel;

#[component]
pub fn UsersPage() -> impl IntoView {
    view! {
        <Title text="Users" />
        {with_project(|project| view! { <Users project=project /> })}
    }
}

#[component]
fn Users(project: Membership) -> impl IntoView {
    let query = use_query_map();
    let param = move |name: &str| query.with(|q| q.get(name).filter(|v| !v.is_empty()));
    let slug = project.slug.clone();
    let page = Resource::new(move || (param("q"), param("after")), {
        let slug = slug.clone();
        move |(search, after)| list_end_users(slug.clone(), search, after)
    });
    let base = format!("/projects/{}/users", project.slug);
    let header_base = base.clone();
    let search_base = base.clone();
    view! {
        <header class="page-header">
            <div>
                <h1>"Users"</h1>
                <p class="muted">
                    "People who signed up to your app through the API keys of " <strong>{project.name.clone()}</strong>
                    ". They are your app's users, not members of this dashboard."
                </p>
            </div>
            <Transition fallback=|| ()>
                {
                    let base = header_base;
                    move || {
                        let base = base.clone();
                        Suspend::new(async move {
                            page.await.ok().filter(|p| p.can_change).map(|_| view! {
                                <div class="header-actions">
                                    <a class="button button-primary" href=format!("{base}/new")>"Add user"</a>
                                </div>
                            })
                        })
                    }
                }
            </Transition>
        </header>
        <Form method="GET" action=search_base attr:class="toolbar" attr:role="search">
            <label class="visually-hidden" for="user-search">"Search users by email or name"</label>
            <input
                id="user-search"
                class="search-input"
                type="search"
                name="q"
                placeholder="Email or name starts with…"
                maxlength="254"
                value=move || param("q").unwrap_or_default()
            />
            <button type="submit" class="button">"Search"</button>
        </Form>
        <Transition fallback=|| view! { <div class="skeleton skeleton-block"></div> }>
            {
                let base = base.clone();
                move || {
                    let base = base.clone();
                    Suspend::new(async move {
                        match page.await {
                            Err(e) => view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }.into_any(),
                            Ok(page) => view! { <Listing page=page base=base search=param("q") paged=param("after").is_some() /> }.into_any(),
                        }
                    })
                }
            }
        </Transition>
    }
}

#[component]
fn Listing(page: EndUserPage, base: String, search: Option<String>, paged: bool) -> impl IntoView {
    let chart = view! { <ActivityCharts sign_ins=page.sign_ins.clone() sign_ups=page.sign_ups.clone() /> };
    if page.users.is_empty() && search.is_none() && !paged {
        return view! {
            {chart}
            <section class="empty-state card">
                <h2>"No users yet"</h2>
                <p class="muted">
                    "Users appear here when they sign up to your app through Banata, or when you add one. Connect your app with an API key and this server's URL (see API Keys)."
                </p>
                {page.can_change.then(|| view! { <a class="button button-primary" href=format!("{base}/new")>"Add user"</a> })}
            </section>
        }
        .into_any();
    }
    if page.users.is_empty() {
        return view! { {chart} <p class="card empty-inline muted">"No users match."</p> }.into_any();
    }
    let next = page.next_cursor.map(|cursor| {
        let mut link = format!("{base}?after={}", percent_encode(&cursor));
        if let Some(q) = &search {
            link.push_str(&format!("&q={}", percent_encode(q)));
        }
        link
    });
    let first = paged.then(|| match &search {
        Some(q) => format!("{base}?q={}", percent_encode(q)),
        None => base.clone(),
    });
    view! {
        {chart}
        <UserTable users=page.users base=base.clone() />
        <nav class="pager" aria-label="Pages">
            {first.map(|href| view! { <a class="button" href=href>"First page"</a> })}
            {next.map(|href| view! { <a class="button" href=href>"Next page"</a> })}
        </nav>
    }
    .into_any()
}

#[component]
fn ActivityCharts(sign_ins: Vec<i64>, sign_ups: Vec<i64>) -> impl IntoView {
    let total = |days: &[i64]| days.iter().sum::<i64>();
    let (ins, ups) = (total(&sign_ins), total(&sign_ups));
    view! {
        <section class="card activity" aria-labelledby="activity-title">
            <h2 id="activity-title" class="section-title">{format!("Last {ACTIVITY_DAYS} days")}</h2>
            <div class="activity-charts">
                <figure>
                    <figcaption>{format!("Sign-ins: {ins}")}</figcaption>
                    <UsageChart days=sign_ins width=300 height=60 noun="sign-in" />
                </figure>
                <figure>
                    <figcaption>{format!("Sign-ups: {ups}")}</figcaption>
                    <UsageChart days=sign_ups width=300 height=60 noun="sign-up" />
                </figure>
            </div>
            <p class="muted">"Per day in UTC; counted as they happen and written every few seconds."</p>
        </section>
    }
}

const USER_COLUMNS: &[Col] = &[Col::text("User"), Col::text("Status"), Col::text("Created"), Col::text("Last sign-in")];

#[component]
fn UserTable(users: Vec<EndUserSummary>, base: String) -> impl IntoView {
    let rows = users
        .into_iter()
        .map(|user| {
            let href = format!("{base}/{}", user.id);
            view! {
                <tr>
                    <th scope="row" class="user-cell">
                        <a href=href>{user.email.clone()}</a>
                        <span class="muted key-link">{user.name.clone()}</span>
                    </th>
                    <td><StatusLabel status=user.status.clone() /></td>
                    <td class="nowrap" title=user.created_at.clone()>{date_only(&user.created_at)}</td>
                    <td class="nowrap">{date_or(user.last_sign_in_at.as_deref(), "Never")}</td>
                </tr>
            }
        })
        .collect_view();
    view! { <DataTable caption="Users" columns=USER_COLUMNS>{rows}</DataTable> }
}
