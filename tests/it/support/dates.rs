//! Dates computed from today, so that no test starts failing on a day to come.

use time::{Duration, OffsetDateTime};

/// The UTC date `days` from today, as `YYYY-MM-DD`.
pub fn date_in(days: i64) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    (OffsetDateTime::now_utc() + Duration::days(days)).date().format(&format).unwrap()
}

/// The start (UTC) of the day `days` from today.
pub fn day_start_in(days: i64) -> OffsetDateTime {
    (OffsetDateTime::now_utc() + Duration::days(days)).date().midnight().assume_utc()
}
