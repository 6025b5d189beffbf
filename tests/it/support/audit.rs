//! Consistency of the audit log with the keys table.

use banata::store::{self, Store};
use std::sync::Arc;

/// Checks that the audit log tells the same story as the keys table: one
/// `api_key.created` for every key, one `api_key.revoked` for every revoked
/// key, and nothing else about keys. Returns how many events it checked.
pub async fn assert_audit_matches_keys(store: &Arc<dyn Store>, project_id: &str) -> usize {
    use banata::domain::AuditAction;
    use std::collections::BTreeSet;
    let all = store::KeyQuery { include_revoked: true, limit: u32::MAX, ..Default::default() };
    let keys = store.keys().list(project_id, &all, time::OffsetDateTime::now_utc()).await.unwrap();
    let key_ids: BTreeSet<String> = keys.iter().map(|k| k.id.clone()).collect();
    let revoked_ids: BTreeSet<String> = keys.iter().filter(|k| k.revoked_at.is_some()).map(|k| k.id.clone()).collect();
    let query = store::AuditQuery { limit: u32::MAX, ..Default::default() };
    let events = store.audit().events(project_id, &query).await.unwrap();
    let targets = |action: AuditAction| -> Vec<String> {
        events.iter().filter(|e| e.action == action).map(|e| e.target_id.clone()).collect()
    };
    let (created, revoked) = (targets(AuditAction::KeyCreated), targets(AuditAction::KeyRevoked));
    assert_eq!(created.len(), created.iter().collect::<BTreeSet<_>>().len(), "one create event per key");
    assert_eq!(revoked.len(), revoked.iter().collect::<BTreeSet<_>>().len(), "one revoke event per key");
    assert_eq!(created.into_iter().collect::<BTreeSet<_>>(), key_ids, "a create event for exactly the stored keys");
    assert_eq!(
        revoked.into_iter().collect::<BTreeSet<_>>(),
        revoked_ids,
        "a revoke event for exactly the revoked keys"
    );
    events.len()
}
