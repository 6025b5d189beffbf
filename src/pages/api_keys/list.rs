//! The keys table: a row per key with its status, usage and the links that
//! open the roll and revoke dialogs; and what shows when there is none.

use crate::components::key_status::{KeyAccess, KeyExpiry, KeyStatusLabel, Wording};
use crate::components::table::{Col, DataTable};
use crate::components::usage_chart::UsageChart;
use crate::domain::dates::date_only;
use crate::domain::{ApiKey, KeyStatus};
use leptos::prelude::*;

#[component]
pub(super) fn EmptyState(can_write: bool, base: String) -> impl IntoView {
    view! {
        <section class="empty-state card">
            <h2>"No API keys yet"</h2>
            <p class="muted">
                "An API key connects your application to this project: every request it makes carries the key, and the key alone decides which project it acts on. Create one for each service, so you can revoke one without touching the others."
            </p>
            <p class="muted">
                "Your app needs two settings: " <code class="mono">"BANATA_API_KEY"</code>
                " (the key, shown once when you create it) and " <code class="mono">"BANATA_AUTH_URL"</code>
                " (this server's URL, shown beside it)."
            </p>
            {can_write
                .then(|| {
                    view! {
                        <a class="button button-primary" href=format!("{base}?new=1")>
                            "Create new key"
                        </a>
                    }
                })}
        </section>
    }
}

const KEY_COLUMNS: &[Col] = &[
    Col::text("Name"),
    Col::text("Key"),
    Col::text("Created"),
    Col::text("Usage, 30 days"),
    Col::text("Expires"),
    Col::text("Status"),
    Col::actions(),
];

#[component]
pub(super) fn KeyTable(keys: Vec<ApiKey>, can_write: bool, base: String) -> impl IntoView {
    let rows = keys
        .into_iter()
        .map(|key| {
            let confirm_href = format!("{base}?revoke={}", key.id);
            let roll_href = format!("{base}?roll={}", key.id);
            let rollable = key.status == KeyStatus::Active && key.replaced_by.is_none();
            let action = (can_write && key.status != KeyStatus::Revoked).then(|| {
                view! {
                    <div class="actions-stack">
                    {rollable.then(|| view! {
                        <a class="button button-small" href=roll_href aria-label=format!("Roll {}", key.name)>
                            "Roll"
                        </a>
                    })}
                    <a
                        class="button button-small button-danger-outline"
                        href=confirm_href
                        aria-label=format!("Revoke {}", key.name)
                    >
                        "Revoke"
                    </a>
                    </div>
                }
            });
            // The other key of a roll, by its own page (its id in the tooltip).
            let link = |id: &Option<String>, words: &'static str| {
                id.as_ref().map(|id| {
                    view! {
                        <a class="muted key-link" href=format!("{base}/{id}") title=id.clone()>
                            {words}
                        </a>
                    }
                })
            };
            view! {
                <tr>
                    <th scope="row" class="key-name">
                        <a href=format!("{base}/{}", key.id)>{key.name.clone()}</a>
                        <KeyAccess key=key.clone() wording=Wording::Table />
                        {link(&key.replaced_by, "replaced by a newer key")}
                        {link(&key.replaces, "replaces an older key")}
                    </th>
                    <td class="mono key-mask">{key.masked()}</td>
                    <td>
                        <span class="nowrap" title=key.created_at.clone()>{date_only(&key.created_at)}</span>
                        <span class="muted key-link">{format!("by {}", key.created_by)}</span>
                    </td>
                    <td>
                        <span class="usage-cell">
                            <UsageChart days=key.daily_requests.clone() width=60 height=20 />
                            <span class="muted">{key.daily_requests.iter().sum::<i64>()}</span>
                        </span>
                        <span class="muted key-link nowrap" title=key.last_used_at.clone().unwrap_or_default()>
                            {match key.last_used_at.as_deref() {
                                Some(at) => format!("last used {}", date_only(at)),
                                None => "never used".to_string(),
                            }}
                        </span>
                    </td>
                    <td class="nowrap"><KeyExpiry key=key.clone() wording=Wording::Table /></td>
                    <td><KeyStatusLabel key=key.clone() wording=Wording::Table /></td>
                    <td class="actions">{action}</td>
                </tr>
            }
        })
        .collect_view();
    view! { <DataTable caption="API keys" columns=KEY_COLUMNS>{rows}</DataTable> }
}
