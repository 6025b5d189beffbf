//! Inline SVG icons: no icon font to load, and they follow `currentColor`.

use leptos::prelude::*;

#[derive(Clone, Copy)]
pub enum Icon {
    Key,
    Users,
    Person,
    Lock,
    List,
    Settings,
    Menu,
    Mail,
    ChevronDown,
    Building,
    Shield,
    Webhook,
}

impl Icon {
    fn path(self) -> &'static str {
        match self {
            Icon::Key => "M15.5 7.5a3.5 3.5 0 1 1-6.9.9L3 14v3h3v-2h2v-2h2l1.6-1.6a3.5 3.5 0 0 1 3.9-3.9zM15 7h.01",
            Icon::Users => "M7.5 9a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM2 17a5.5 5.5 0 0 1 11 0M13 3.3a3 3 0 0 1 0 5.4M15 12.5a5.5 5.5 0 0 1 3 4.5",
            Icon::Person => "M10 9a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7zM3.5 18a6.5 6.5 0 0 1 13 0",
            Icon::Lock => "M5 9h10v8H5zM7 9V6.5a3 3 0 0 1 6 0V9",
            Icon::List => "M7 5h10M7 10h10M7 15h10M3 5h.01M3 10h.01M3 15h.01",
            Icon::Settings => "M10 12.5a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5zM10 2v2M10 16v2M2 10h2M16 10h2M4.3 4.3l1.4 1.4M14.3 14.3l1.4 1.4M4.3 15.7l1.4-1.4M14.3 5.7l1.4-1.4",
            Icon::Mail => "M3 5h14v10H3zM3 5l7 6 7-6",
            Icon::Menu => "M3 5h14M3 10h14M3 15h14",
            Icon::ChevronDown => "M5 8l5 5 5-5",
            Icon::Building => "M4 18V3h8v15M12 8h4v10M7 6h2M7 9h2M7 12h2M2 18h16",
            Icon::Shield => "M10 2l6 2.5v4.5c0 4-2.6 7.2-6 9-3.4-1.8-6-5-6-9V4.5z",
            Icon::Webhook => "M8 6.5a3 3 0 1 1 4.5 2.6L15 13.5M5.5 12.5a3 3 0 1 0 3 4H14M14.5 16.5a3 3 0 1 0-1-5.8L10 5",
        }
    }
}

#[component]
pub fn Svg(icon: Icon, #[prop(default = 18)] size: u32) -> impl IntoView {
    view! {
        <svg
            class="icon"
            width=size
            height=size
            viewBox="0 0 20 20"
            fill="none"
            stroke="currentColor"
            stroke-width="1.6"
            stroke-linecap="round"
            stroke-linejoin="round"
            aria-hidden="true"
            focusable="false"
        >
            <path d=icon.path() />
        </svg>
    }
}
