//! When each key was last used, without a database write per request: uses
//! are coalesced in memory (one entry per key, the latest time wins) and
//! written in one transaction by a background flush and at shutdown.

use crate::store::Store;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use time::OffsetDateTime;

pub struct KeyUsage {
    store: Arc<dyn Store>,
    pending: Mutex<HashMap<String, OffsetDateTime>>,
}

impl KeyUsage {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self { store, pending: Mutex::new(HashMap::new()) }
    }

    /// Notes a use; costs a map insert.
    pub fn record(&self, key_id: &str, at: OffsetDateTime) {
        // Whole seconds: plenty for "last used", and one text form in SQLite.
        let at = at.replace_nanosecond(0).unwrap_or(at);
        let mut pending = self.pending.lock().expect("usage lock");
        match pending.get_mut(key_id) {
            Some(last) => *last = (*last).max(at),
            None => {
                pending.insert(key_id.to_string(), at);
            }
        }
    }

    /// Uses noted but not yet written.
    pub fn pending(&self) -> usize {
        self.pending.lock().expect("usage lock").len()
    }

    /// Writes what is pending. On failure the uses go back into the map, so
    /// the next flush retries them and nothing is lost.
    pub async fn flush(&self) -> Result<usize, crate::store::StoreError> {
        let batch: Vec<(String, OffsetDateTime)> =
            std::mem::take(&mut *self.pending.lock().expect("usage lock")).into_iter().collect();
        if batch.is_empty() {
            return Ok(0);
        }
        match self.store.record_key_use(&batch).await {
            Ok(()) => Ok(batch.len()),
            Err(error) => {
                let mut pending = self.pending.lock().expect("usage lock");
                for (key_id, at) in batch {
                    merge(&mut pending, key_id, at);
                }
                Err(error)
            }
        }
    }

    /// Flushes every `every`, for ever; spawn it.
    pub async fn run(self: Arc<Self>, every: std::time::Duration) {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            if let Err(error) = self.flush().await {
                tracing::warn!(%error, "could not record when keys were last used; will retry");
            }
        }
    }
}

fn merge(pending: &mut HashMap<String, OffsetDateTime>, key_id: String, at: OffsetDateTime) {
    pending.entry(key_id).and_modify(|t| *t = (*t).max(at)).or_insert(at);
}
