//! How the pages write times. The server sends every time as an RFC 3339
//! string in UTC (`2026-11-30T12:34:56Z`); these cut it to what a page
//! shows, as text, so that they work the same in the browser, where the
//! `time` crate is not built.

/// `2026-11-30T12:34:56Z` → `2026-11-30`.
pub fn date_only(rfc3339: &str) -> String {
    rfc3339.get(..10).unwrap_or(rfc3339).to_string()
}

/// `2026-11-30T12:34:56Z` → `2026-11-30 12:34` (UTC, to the minute).
pub fn to_the_minute(rfc3339: &str) -> String {
    rfc3339.get(..16).unwrap_or(rfc3339).replace('T', " ")
}

/// The date of a time that may not be set, or `none` ("Never").
pub fn date_or(rfc3339: Option<&str>, none: &str) -> String {
    rfc3339.map(date_only).unwrap_or_else(|| none.to_string())
}

/// "45 min", "23 h", "6 d": a short time span for badges.
pub fn span_in_words(seconds: i64) -> String {
    let minutes = (seconds.max(0) + 59) / 60;
    match minutes {
        0..=59 => format!("{minutes} min"),
        60..=2879 => format!("{} h", minutes / 60),
        _ => format!("{} d", minutes / 1440),
    }
}

/// The start (UTC) of the day a form's date field names (`YYYY-MM-DD`):
/// when a key chosen to expire that day stops, or a ban ends.
#[cfg(feature = "ssr")]
pub fn start_of_day(text: &str) -> Option<time::OffsetDateTime> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let day = time::Date::parse(text.trim(), &format).ok()?;
    Some(day.with_time(time::Time::MIDNIGHT).assume_utc())
}

#[cfg(feature = "ssr")]
/// `at` without what is finer than a millisecond: records that APIs show
/// and filter in milliseconds are stored so, so that a range in
/// milliseconds finds exactly what it shows.
pub fn whole_millis(at: time::OffsetDateTime) -> time::OffsetDateTime {
    at.replace_nanosecond(at.nanosecond() / 1_000_000 * 1_000_000).unwrap_or(at)
}

/// A time as the wire of better-auth's clients and the Banata SDK writes it:
/// ISO 8601 in UTC with milliseconds, `2026-11-30T12:34:56.789Z`.
#[cfg(feature = "ssr")]
pub fn iso_millis(at: time::OffsetDateTime) -> String {
    let format =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
    at.to_offset(time::UtcOffset::UTC).format(&format).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_rfc3339_times() {
        let at = "2026-11-30T12:34:56.789Z";
        assert_eq!(date_only(at), "2026-11-30");
        assert_eq!(to_the_minute(at), "2026-11-30 12:34");
        assert_eq!(date_or(Some(at), "Never"), "2026-11-30");
        assert_eq!(date_or(None, "Never"), "Never");
        // Anything shorter is shown as it came.
        assert_eq!(date_only("2026"), "2026");
        assert_eq!(to_the_minute("2026-11-30"), "2026-11-30");
    }

    #[test]
    fn spans_round_up_to_the_minute() {
        assert_eq!(span_in_words(-5), "0 min");
        assert_eq!(span_in_words(1), "1 min");
        assert_eq!(span_in_words(59 * 60), "59 min");
        assert_eq!(span_in_words(60 * 60), "1 h");
        assert_eq!(span_in_words(47 * 3600 + 1), "47 h");
        assert_eq!(span_in_words(48 * 3600), "2 d");
    }
}
