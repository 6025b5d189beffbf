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

/// Short lowercase suffix used to make a slug unique.
pub fn slug_suffix() -> String {
    Alphanumeric.sample_string(&mut rand::rng(), 6).to_lowercase()
}
