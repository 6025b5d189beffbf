//! Where a key stands (active, expiring, replaced by a rolled key, expired,
//! revoked), what it may do and when it expires, read once from an
//! [`ApiKey`] and worded for the two places that show it: a row of the keys
//! table and the key's own page.

use crate::domain::dates::{date_or, span_in_words};
use crate::domain::{ApiKey, KeyStatus};
use leptos::prelude::*;

/// Where a key's status is shown, which decides its words: short badges in
/// a row of the keys table, plain sentences in the facts of the key's page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wording {
    Table,
    Facts,
}

/// A key's status as people are told it.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Standing {
    /// `on` is the date, `at` the full time.
    Revoked {
        on: String,
        at: String,
        by: String,
    },
    Expired,
    /// Rolled: it works until it expires, `left` seconds from now.
    Replaced {
        left: Option<i64>,
    },
    /// Works; `soon` is the seconds left when it expires within a week.
    Active {
        soon: Option<i64>,
    },
}

impl Standing {
    fn of(key: &ApiKey) -> Standing {
        match key.status {
            KeyStatus::Revoked => Standing::Revoked {
                on: date_or(key.revoked_at.as_deref(), ""),
                at: key.revoked_at.clone().unwrap_or_default(),
                by: key.revoked_by.clone().unwrap_or_default(),
            },
            KeyStatus::Expired => Standing::Expired,
            KeyStatus::Active if key.replaced_by.is_some() => Standing::Replaced { left: key.expires_in },
            KeyStatus::Active => Standing::Active { soon: key.expires_in.filter(|_| key.expires_soon()) },
        }
    }
}

/// "Active", "Expired", "Replaced", "Revoked <date> by <name>": a badge in
/// the table; on the key's page a sentence that also says how long it works.
#[component]
pub fn KeyStatusLabel(key: ApiKey, wording: Wording) -> impl IntoView {
    let standing = Standing::of(&key);
    match wording {
        Wording::Table => match standing {
            Standing::Revoked { on, at, by } => view! {
                <span class="status status-revoked" title=at>{format!("Revoked {on} by {by}")}</span>
            }
            .into_any(),
            Standing::Expired => view! { <span class="status status-expired">"Expired"</span> }.into_any(),
            Standing::Replaced { .. } => view! {
                <span class="status status-expiring" title="Replaced by a rolled key; works until it expires">
                    "Replaced"
                </span>
            }
            .into_any(),
            Standing::Active { .. } => view! { <span class="status status-active">"Active"</span> }.into_any(),
        },
        Wording::Facts => match standing {
            Standing::Revoked { on, by, .. } => format!("Revoked {on} by {by}"),
            Standing::Expired => "Expired".to_string(),
            Standing::Replaced { left: Some(left) } => format!("Replaced; works for {} more", span_in_words(left)),
            Standing::Active { soon: Some(left) } => format!("Active; expires in {}", span_in_words(left)),
            Standing::Replaced { left: None } | Standing::Active { soon: None } => "Active".to_string(),
        }
        .into_any(),
    }
}

/// When it expires: the date, or "Never"; in the table a warning badge
/// "Expires in 3 d" within a week, with the full time as the tooltip.
#[component]
pub fn KeyExpiry(key: ApiKey, wording: Wording) -> impl IntoView {
    let date = date_or(key.expires_at.as_deref(), "Never");
    let title = key.expires_at.clone().unwrap_or_default();
    match (wording, key.expires_in) {
        (Wording::Facts, _) => date.into_any(),
        (Wording::Table, Some(left)) if key.expires_soon() => view! {
            <span class="badge badge-warning" title=title>{format!("Expires in {}", span_in_words(left))}</span>
        }
        .into_any(),
        (Wording::Table, _) => view! { <span title=title>{date}</span> }.into_any(),
    }
}

/// What it may do: in the table a "Read-only" badge beside the name (and
/// nothing for full access); on the key's page a sentence either way.
#[component]
pub fn KeyAccess(key: ApiKey, wording: Wording) -> impl IntoView {
    match wording {
        Wording::Table => {
            key.read_only().then(|| view! { <span class="badge badge-inline">"Read-only"</span> }).into_any()
        }
        Wording::Facts => {
            if key.read_only() {
                "Read-only: may list keys and ask who it is"
            } else {
                "Full access"
            }
        }
        .into_any(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(status: KeyStatus) -> ApiKey {
        ApiKey {
            id: "key_1".into(),
            name: "billing".into(),
            prefix: "sk_live_Ab3x".into(),
            last4: "9fQz".into(),
            permissions: vec![],
            created_by: "Ada".into(),
            created_at: "2026-11-01T10:00:00Z".into(),
            last_used_at: None,
            expires_at: None,
            revoked_at: None,
            revoked_by: None,
            replaced_by: None,
            replaces: None,
            status,
            expires_in: None,
            daily_requests: vec![],
        }
    }

    #[test]
    fn reads_where_a_key_stands() {
        assert_eq!(Standing::of(&key(KeyStatus::Active)), Standing::Active { soon: None });
        assert_eq!(Standing::of(&key(KeyStatus::Expired)), Standing::Expired);
        let far = ApiKey { expires_in: Some(30 * 86400), ..key(KeyStatus::Active) };
        assert_eq!(Standing::of(&far), Standing::Active { soon: None });
        let soon = ApiKey { expires_in: Some(3600), ..key(KeyStatus::Active) };
        assert_eq!(Standing::of(&soon), Standing::Active { soon: Some(3600) });
        let rolled =
            ApiKey { replaced_by: Some("key_2".into()), expires_in: Some(30 * 86400), ..key(KeyStatus::Active) };
        assert_eq!(Standing::of(&rolled), Standing::Replaced { left: Some(30 * 86400) });
        let revoked = ApiKey {
            revoked_at: Some("2026-11-02T08:30:00Z".into()),
            revoked_by: Some("Ada".into()),
            replaced_by: Some("key_2".into()),
            ..key(KeyStatus::Revoked)
        };
        assert_eq!(
            Standing::of(&revoked),
            Standing::Revoked { on: "2026-11-02".into(), at: "2026-11-02T08:30:00Z".into(), by: "Ada".into() }
        );
    }
}
