//! Opaque ids with a type prefix, so a pasted id says what it is.

use rand::distr::{Alphanumeric, SampleString};

fn random_id(prefix: &str) -> String {
    // 20 base62 characters: about 119 bits, plenty for an id.
    format!("{prefix}_{}", Alphanumeric.sample_string(&mut rand::rng(), 20))
}

pub fn user_id() -> String {
    random_id("usr")
}

pub fn invitation_id() -> String {
    random_id("inv")
}

pub fn key_id() -> String {
    random_id("key")
}

/// Names a signed-in browser on the sessions page. Not a credential: the
/// cookie holds its own secret id, which never leaves the server.
pub fn session_id() -> String {
    random_id("ses")
}

pub fn mail_id() -> String {
    random_id("mail")
}

pub fn mail_token_id() -> String {
    random_id("mtk")
}

pub fn project_id() -> String {
    random_id("proj")
}

pub fn webhook_id() -> String {
    random_id("wh")
}

pub fn organization_id() -> String {
    random_id("org")
}

pub fn org_member_id() -> String {
    random_id("mem")
}

pub fn role_id() -> String {
    random_id("role")
}

pub fn permission_id() -> String {
    random_id("perm")
}

/// Whether `id` could be one of ours of this kind (`<prefix>_` and letters
/// and digits), so that garbage is refused without asking the database.
pub fn plausible(prefix: &str, id: &str) -> bool {
    id.strip_prefix(prefix)
        .and_then(|rest| rest.strip_prefix('_'))
        .is_some_and(|rest| (1..=64).contains(&rest.len()) && rest.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Short lowercase suffix used to make a slug unique.
pub fn slug_suffix() -> String {
    Alphanumeric.sample_string(&mut rand::rng(), 6).to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plausible_ids_have_their_prefix_and_nothing_odd() {
        assert!(plausible("proj", &project_id()));
        assert!(!plausible("proj", &user_id()));
        for bad in ["proj_", "proj", "proj_a/b", "proj_a b", "xproj_abc", &format!("proj_{}", "a".repeat(65))] {
            assert!(!plausible("proj", bad), "{bad}");
        }
    }
}
