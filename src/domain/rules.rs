//! Rules the store applies inside the transaction of a change, where the
//! facts they need are read. Kept here, apart from the SQL, so they can be
//! read (and tested) as rules.

use super::Role;
use time::OffsetDateTime;

/// The owner rule: a change of `current` to `new` (`None`: removed) keeps
/// the project with an owner, given its `owners` before the change.
pub fn keeps_an_owner(current: Role, new: Option<Role>, owners: i64) -> bool {
    let loses_owner = current == Role::Owner && new != Some(Role::Owner);
    !(loses_owner && owners <= 1)
}

/// A replacement lives as long as the key it replaces was meant to: a key
/// that never expired makes one that never expires.
pub fn replacement_expiry(
    created_at: OffsetDateTime,
    expires_at: Option<OffsetDateTime>,
    now: OffsetDateTime,
) -> Option<OffsetDateTime> {
    expires_at.map(|end| now + (end - created_at))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::Duration;

    #[test]
    fn the_last_owner_stays() {
        assert!(!keeps_an_owner(Role::Owner, Some(Role::Developer), 1));
        assert!(!keeps_an_owner(Role::Owner, None, 1));
        assert!(keeps_an_owner(Role::Owner, None, 2));
        assert!(keeps_an_owner(Role::Owner, Some(Role::Owner), 1));
        assert!(keeps_an_owner(Role::Viewer, None, 1));
    }

    #[test]
    fn a_replacement_gets_the_old_lifetime() {
        let created = OffsetDateTime::now_utc() - Duration::days(10);
        let now = OffsetDateTime::now_utc();
        assert_eq!(replacement_expiry(created, None, now), None);
        assert_eq!(
            replacement_expiry(created, Some(created + Duration::days(30)), now),
            Some(now + Duration::days(30))
        );
    }
}
