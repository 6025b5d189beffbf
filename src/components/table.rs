//! The dashboard's tables: a card that scrolls sideways on a phone, headings
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

#[component]
pub fn DataTable(columns: &'static [Col], children: Children) -> impl IntoView {
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
    view! {
        <div class="table-wrap card">
            <table class="table">
                <thead>
                    <tr>{headings}</tr>
                </thead>
                <tbody>{children()}</tbody>
            </table>
        </div>
    }
}
