//! Counts per day as bars (a key's requests, a project's sign-ins): small in the list, large on the key's
//! page. Drawn as SVG on the server, so it needs no script; the total and the
//! busiest day are in its accessible name.

use leptos::prelude::*;

#[component]
pub fn UsageChart(
    /// Requests per day, oldest first.
    days: Vec<i64>,
    /// Pixel size of the drawing.
    width: u32,
    height: u32,
    /// What is counted, singular: "request", "sign-in".
    #[prop(default = "request")]
    noun: &'static str,
) -> impl IntoView {
    let total: i64 = days.iter().sum();
    let peak = days.iter().copied().max().unwrap_or(0).max(1);
    let label = format!(
        "{total} {noun}{} in the last {} days; busiest day {}",
        if total == 1 { "" } else { "s" },
        days.len(),
        days.iter().copied().max().unwrap_or(0)
    );
    let slot = f64::from(width) / days.len().max(1) as f64;
    let bar = (slot * 0.7).max(1.0);
    let bars = days
        .iter()
        .enumerate()
        .map(|(i, &n)| {
            // Every day gets a visible stub, so quiet days read as zero, not missing.
            let h = if n == 0 { 1.0 } else { (n as f64 / peak as f64 * f64::from(height - 1)).max(2.0) };
            view! {
                <rect
                    class=if n == 0 { "usage-bar usage-bar-zero" } else { "usage-bar" }
                    x=format!("{:.1}", i as f64 * slot)
                    y=format!("{:.1}", f64::from(height) - h)
                    width=format!("{bar:.1}")
                    height=format!("{h:.1}")
                ></rect>
            }
        })
        .collect_view();
    let title = label.clone();
    view! {
        <svg
            class="usage-chart"
            viewBox=format!("0 0 {width} {height}")
            width=width
            height=height
            role="img"
            aria-label=label
        >
            <title>{title}</title>
            {bars}
        </svg>
    }
}
