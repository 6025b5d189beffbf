//! `/projects/<slug>/mail`: the project's recent mail (invitations, and its
//! users' verification and reset mails): to whom, what kind, and how the
//! delivery went. Never the link: it is a bearer secret, and we never had
//! it anyway (each is drawn as its mail is sent).

use crate::api::mail::get_deliveries;
use crate::components::shell::with_project;
use crate::components::table::{Col, DataTable};
use crate::domain::dates::to_the_minute;
use crate::domain::{Delivery, DeliveryStatus, Membership};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn MailPage() -> impl IntoView {
    view! {
        <Title text="Mail" />
        {with_project(|project| view! { <Mail project=project /> })}
    }
}

#[component]
fn Mail(project: Membership) -> impl IntoView {
    let slug = project.slug.clone();
    let page = Resource::new(move || slug.clone(), get_deliveries);
    view! {
        <header class="page-header">
            <div>
                <h1>"Mail"</h1>
                <p class="muted">
                    "The latest mail of " <strong>{project.name.clone()}</strong>
                    ": invitations to its team, and its users' verification and password reset mails."
                </p>
            </div>
        </header>
        <Transition fallback=|| view! { <div class="skeleton skeleton-block"></div> }>
            {move || Suspend::new(async move {
                match page.await {
                    Err(e) => view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }.into_any(),
                    Ok(page) => view! {
                        {(!page.mail_on).then(|| view! {
                            <div class="alert alert-warning page-alert" role="status">
                                "Mail is off on this server (BANATA_SMTP_URL is unset): invitation links are shown to copy, and your app's users cannot be sent verification or reset links."
                            </div>
                        })}
                        <Deliveries deliveries=page.deliveries />
                    }
                        .into_any(),
                }
            })}
        </Transition>
    }
}

const COLUMNS: &[Col] =
    &[Col::text("To"), Col::text("Kind"), Col::text("Status"), Col::text("Queued"), Col::text("Sent")];

#[component]
fn Deliveries(deliveries: Vec<Delivery>) -> impl IntoView {
    if deliveries.is_empty() {
        return view! {
            <section class="empty-state card">
                <h2>"No mail yet"</h2>
                <p class="muted">"Mail appears here when a teammate is invited, or when your app's users ask for a verification or reset link."</p>
            </section>
        }
        .into_any();
    }
    let rows = deliveries
        .into_iter()
        .map(|mail| {
            let status_class = match mail.status {
                DeliveryStatus::Sent => "status status-active",
                DeliveryStatus::Queued | DeliveryStatus::Retrying => "status status-unverified",
                DeliveryStatus::Failed => "status status-banned",
            };
            let tries = match mail.attempts {
                0 | 1 => String::new(),
                n => format!(" ({n} tries)"),
            };
            view! {
                <tr>
                    <th scope="row">{mail.recipient.clone()}</th>
                    <td>{mail.kind.label()}</td>
                    <td>
                        <span class=status_class>{mail.status.label()}</span>
                        <span class="muted">{tries}</span>
                        {mail.last_error.clone().filter(|_| mail.status != DeliveryStatus::Sent).map(|error| view! {
                            <span class="muted key-link">{error}</span>
                        })}
                    </td>
                    <td class="nowrap">{to_the_minute(&mail.created_at)}</td>
                    <td class="nowrap">{mail.sent_at.as_deref().map(to_the_minute).unwrap_or_else(|| "-".to_string())}</td>
                </tr>
            }
        })
        .collect_view();
    view! { <DataTable caption="Recent mail" columns=COLUMNS>{rows}</DataTable> }.into_any()
}
