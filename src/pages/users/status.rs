//! How a user's status reads: Active, Unverified, Banned (until when).

use crate::domain::dates::date_only;
use crate::domain::EndUserStatus;
use leptos::prelude::*;

#[component]
pub(super) fn StatusLabel(status: EndUserStatus) -> impl IntoView {
    match status {
        EndUserStatus::Active => view! { <span class="status status-active">"Active"</span> }.into_any(),
        EndUserStatus::Unverified => view! { <span class="status status-unverified">"Unverified"</span> }.into_any(),
        EndUserStatus::Banned { until, .. } => {
            let words = match until {
                Some(at) => format!("Banned until {}", date_only(&at)),
                None => "Banned".to_string(),
            };
            view! { <span class="status status-banned">{words}</span> }.into_any()
        }
    }
}
