//! The dashboard's tables: a named card that scrolls sideways on a phone, headings
//! with their scope, and an actions column labelled for screen readers.

use leptos::prelude::*;

/// One column heading.
#[derive(Clone, Copy)]
pub struct Col {
    label: &'static str,
    kind: ColKind,
}

#[derive(Clone, Copy, PartialEq)]
enum ColKind {
    Text,
    Number,
    Actions,
}

impl Col {
    pub const fn text(label: &'static str) -> Col {
        Col { label, kind: ColKind::Text }
    }

    /// Right-aligned, for counts.
    pub const fn number(label: &'static str) -> Col {
        Col { label, kind: ColKind::Number }
    }

    /// Row buttons; the heading is for screen readers only.
    pub const fn actions() -> Col {
        Col { label: "Actions", kind: ColKind::Actions }
    }
}

/// `caption` names the table, and the card around it: a labelled region in
/// the tab order, so a keyboard can scroll it sideways on a phone (WCAG
/// 2.1.1). It must be unique on its page (it makes the caption's id).
#[component]
pub fn DataTable(caption: &'static str, columns: &'static [Col], children: Children) -> impl IntoView {
    let caption_id = format!("table-{}", caption.to_lowercase().replace(|c: char| !c.is_ascii_alphanumeric(), "-"));
    let headings = columns
        .iter()
        .map(|col| match col.kind {
            ColKind::Text => view! { <th scope="col">{col.label}</th> }.into_any(),
            ColKind::Number => view! { <th scope="col" class="num">{col.label}</th> }.into_any(),
            ColKind::Actions => view! {
                <th scope="col">
                    <span class="visually-hidden">{col.label}</span>
                </th>
            }
            .into_any(),
        })
        .collect_view();
    let region_label = caption_id.clone();
    view! {
        <div class="table-wrap card" role="region" aria-labelledby=region_label tabindex="0">
            <table class="table">
                <caption class="visually-hidden" id=caption_id>{caption}</caption>
                <thead>
                    <tr>{headings}</tr>
                </thead>
                <tbody>{children()}</tbody>
            </table>
        </div>
    }
}
