//! `/projects/<slug>/organizations`: the organizations of the project's app
//! users (its customers), with member counts; search by name or slug and
//! page through them (state in the URL, `q` and `after`, so plain links
//! work without JavaScript); owners and developers create one.
//!
//! `detail`: an organization's page.

mod detail;

pub use detail::OrganizationPage;

use super::auth_layout::{action_error, FormAlert};
use crate::api::organizations::{list_organizations, CreateOrganization};
use crate::components::field::Field;
use crate::components::shell::with_project;
use crate::components::table::{Col, DataTable};
use crate::domain::dates::date_only;
use crate::domain::organization_views::{OrgListView, OrgRow};
use crate::domain::{percent_encode, Membership};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

#[component]
pub fn OrganizationsPage() -> impl IntoView {
    view! {
        <Title text="Organizations" />
        {with_project(|project| view! { <Organizations project=project /> })}
    }
}

#[component]
fn Organizations(project: Membership) -> impl IntoView {
    let query = use_query_map();
    let param = move |name: &str| query.with(|q| q.get(name).filter(|v| !v.is_empty()));
    let slug = project.slug.clone();
    let page = Resource::new(move || (param("q"), param("after")), {
        let slug = slug.clone();
        move |(search, after)| list_organizations(slug.clone(), search, after)
    });
    let base = format!("/projects/{}/organizations", project.slug);
    let search_base = base.clone();
    view! {
        <header class="page-header">
            <div>
                <h1>"Organizations"</h1>
                <p class="muted">
                    "The teams your app's users form in " <strong>{project.name.clone()}</strong>
                    ": each customer company, its members and what each may do. Your app creates them through Banata; you can too."
                </p>
            </div>
        </header>
        <Form method="GET" action=search_base attr:class="toolbar" attr:role="search">
            <label class="visually-hidden" for="organization-search">"Search organizations by name or slug"</label>
            <input
                id="organization-search"
                class="search-input"
                type="search"
                name="q"
                placeholder="Name or slug contains…"
                maxlength="100"
                value=move || param("q").unwrap_or_default()
            />
            <button type="submit" class="button">"Search"</button>
        </Form>
        <Transition fallback=|| view! { <div class="skeleton skeleton-block"></div> }>
            {
                let (base, slug) = (base.clone(), project.slug.clone());
                move || {
                    let (base, slug) = (base.clone(), slug.clone());
                    Suspend::new(async move {
                        match page.await {
                            Err(e) => view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }.into_any(),
                            Ok(page) => view! {
                                {page.can_change.then(|| view! { <CreateForm slug=slug /> })}
                                <Listing page=page base=base search=param("q") paged=param("after").is_some() />
                            }
                                .into_any(),
                        }
                    })
                }
            }
        </Transition>
    }
}

#[component]
fn CreateForm(slug: String) -> impl IntoView {
    let create = ServerAction::<CreateOrganization>::new();
    let error = action_error(create);
    let name_error = Signal::derive(move || error.get().and_then(|e| e.field_message("name")));
    let slug_error = Signal::derive(move || error.get().and_then(|e| e.field_message("slug")));
    view! {
        <section class="card form-card" aria-labelledby="create-organization-title">
            <h2 id="create-organization-title">"Create an organization"</h2>
            <ActionForm action=create attr:class="form form-row">
                <input type="hidden" name="slug" value=slug />
                <Field label="Name" name="name" maxlength=100 error=name_error />
                <Field
                    label="Slug"
                    name="org_slug"
                    required=false
                    maxlength=64
                    hint="Optional: made from the name when empty."
                    error=slug_error
                />
                <div class="form-actions">
                    <button type="submit" class="button button-primary" data-busy="Creating…">"Create"</button>
                </div>
            </ActionForm>
            <FormAlert error=error />
        </section>
    }
}

#[component]
fn Listing(page: OrgListView, base: String, search: Option<String>, paged: bool) -> impl IntoView {
    if page.organizations.is_empty() && search.is_none() && !paged {
        return view! {
            <section class="empty-state card">
                <h2>"No organizations yet"</h2>
                <p class="muted">
                    "Organizations appear here when your app's users create them (better-auth's organization plugin, or the admin SDK's organizations)."
                </p>
            </section>
        }
        .into_any();
    }
    if page.organizations.is_empty() {
        return view! { <p class="card empty-inline muted">"No organizations match."</p> }.into_any();
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
        <OrgTable organizations=page.organizations base=base.clone() />
        <nav class="pager" aria-label="Pages">
            {first.map(|href| view! { <a class="button" href=href>"First page"</a> })}
            {next.map(|href| view! { <a class="button" href=href>"Next page"</a> })}
        </nav>
    }
    .into_any()
}

const ORG_COLUMNS: &[Col] = &[Col::text("Organization"), Col::text("Slug"), Col::text("Members"), Col::text("Created")];

#[component]
fn OrgTable(organizations: Vec<OrgRow>, base: String) -> impl IntoView {
    let rows = organizations
        .into_iter()
        .map(|org| {
            let href = format!("{base}/{}", percent_encode(&org.id));
            view! {
                <tr>
                    <th scope="row"><a href=href>{org.name.clone()}</a></th>
                    <td class="muted">{org.slug.clone()}</td>
                    <td>{org.member_count}</td>
                    <td class="nowrap" title=org.created_at.clone()>{date_only(&org.created_at)}</td>
                </tr>
            }
        })
        .collect_view();
    view! { <DataTable caption="Organizations" columns=ORG_COLUMNS>{rows}</DataTable> }
}
