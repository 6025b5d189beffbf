//! Sign-ins and sign-ups per project and day for the Users page's chart,
//! without a database write per request: counted in memory and added to the
//! store in one transaction by the background flush (with key usage) and at
//! shutdown.

use crate::auth::usage::day_text;
use crate::store::{ActivityDay, Store, StoreError};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use time::{Date, OffsetDateTime};

/// (sign-ins, sign-ups) per (project, day) since the last flush.
type Counts = HashMap<(String, Date), (i64, i64)>;

pub struct EndUserActivity {
    store: Arc<dyn Store>,
    pending: Mutex<Counts>,
}

impl EndUserActivity {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self { store, pending: Mutex::new(HashMap::new()) }
    }

    pub fn signed_in(&self, project_id: &str, at: OffsetDateTime) {
        self.pending.lock().expect("activity lock").entry((project_id.to_string(), at.date())).or_default().0 += 1;
    }

    pub fn signed_up(&self, project_id: &str, at: OffsetDateTime) {
        self.pending.lock().expect("activity lock").entry((project_id.to_string(), at.date())).or_default().1 += 1;
    }

    /// (project, day) pairs counted but not yet written.
    pub fn pending(&self) -> usize {
        self.pending.lock().expect("activity lock").len()
    }

    /// Writes what is pending; on failure the counts go back, so the next
    /// flush retries them and nothing is lost or counted twice.
    pub async fn flush(&self) -> Result<usize, StoreError> {
        let batch: Counts = std::mem::take(&mut *self.pending.lock().expect("activity lock"));
        if batch.is_empty() {
            return Ok(0);
        }
        let days: Vec<ActivityDay> = batch
            .iter()
            .map(|((project_id, day), (sign_ins, sign_ups))| ActivityDay {
                project_id: project_id.clone(),
                day: day_text(*day),
                sign_ins: *sign_ins,
                sign_ups: *sign_ups,
            })
            .collect();
        match self.store.end_users().record_activity(&days).await {
            Ok(()) => Ok(days.len()),
            Err(error) => {
                let mut pending = self.pending.lock().expect("activity lock");
                for (at, (ins, ups)) in batch {
                    let entry = pending.entry(at).or_default();
                    entry.0 += ins;
                    entry.1 += ups;
                }
                Err(error)
            }
        }
    }
}
