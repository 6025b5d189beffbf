//! How much each key is used and when it was last used, without a database
//! write per request: uses are added up in memory (per key: the latest time,
//! and a count per UTC day) and written in one transaction by a background
//! flush and at shutdown.

use crate::store::{KeyUse, Store};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use time::{Date, OffsetDateTime};

/// One key's uses since the last flush.
#[derive(Clone, Debug)]
struct Pending {
    last: OffsetDateTime,
    days: BTreeMap<Date, i64>,
}

impl Pending {
    fn merge(&mut self, other: Pending) {
        self.last = self.last.max(other.last);
        for (day, n) in other.days {
            *self.days.entry(day).or_default() += n;
        }
    }
}

pub struct KeyUsage {
    store: Arc<dyn Store>,
    pending: Mutex<HashMap<String, Pending>>,
}

impl KeyUsage {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self { store, pending: Mutex::new(HashMap::new()) }
    }

    /// Notes a use; costs a map update.
    pub fn record(&self, key_id: &str, at: OffsetDateTime) {
        // Whole seconds: plenty for "last used", and one text form in SQLite.
        let at = at.replace_nanosecond(0).unwrap_or(at);
        let mut pending = self.pending.lock().expect("usage lock");
        match pending.get_mut(key_id) {
            Some(entry) => {
                entry.last = entry.last.max(at);
                *entry.days.entry(at.date()).or_default() += 1;
            }
            None => {
                pending.insert(key_id.to_string(), Pending { last: at, days: BTreeMap::from([(at.date(), 1)]) });
            }
        }
    }

    /// Keys with uses noted but not yet written.
    pub fn pending(&self) -> usize {
        self.pending.lock().expect("usage lock").len()
    }

    /// Writes what is pending. On failure the uses go back into the map, so
    /// the next flush retries them and nothing is lost or counted twice.
    pub async fn flush(&self) -> Result<usize, crate::store::StoreError> {
        let batch: HashMap<String, Pending> = std::mem::take(&mut *self.pending.lock().expect("usage lock"));
        if batch.is_empty() {
            return Ok(0);
        }
        let uses: Vec<KeyUse> = batch
            .iter()
            .map(|(key_id, p)| KeyUse {
                key_id: key_id.clone(),
                last_used: p.last,
                days: p.days.iter().map(|(day, n)| (day_text(*day), *n)).collect(),
            })
            .collect();
        match self.store.keys().record_use(&uses).await {
            Ok(()) => Ok(uses.len()),
            Err(error) => {
                let mut pending = self.pending.lock().expect("usage lock");
                for (key_id, uses) in batch {
                    match pending.get_mut(&key_id) {
                        Some(entry) => entry.merge(uses),
                        None => {
                            pending.insert(key_id, uses);
                        }
                    }
                }
                Err(error)
            }
        }
    }
}

/// How many days after `first` the stored day `day` is; `None` before it or
/// unreadable.
pub fn day_index(first: Date, day: &str) -> Option<usize> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let day = Date::parse(day, &format).ok()?;
    usize::try_from((day - first).whole_days()).ok()
}

/// `YYYY-MM-DD`, the form days are stored in on both backends.
pub fn day_text(day: Date) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    day.format(&format).unwrap_or_default()
}
