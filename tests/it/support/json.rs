//! Reading JSON answers as the types the server sends, instead of cutting
//! strings out of their text.

use banata::domain::{CreatedKey, InvitationCreated};
use serde::de::DeserializeOwned;

/// The body as `T`; a body that is not one fails the test, showing it.
pub fn parse<T: DeserializeOwned>(body: &str) -> T {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

/// The key a `create_key` or `roll_key` answer holds.
pub fn created_key(body: &str) -> CreatedKey {
    parse(body)
}

/// The token of the invitation link in an `add_member` answer.
pub fn invitation_token(body: &str) -> String {
    let InvitationCreated { link, .. } = parse(body);
    link.rsplit('/').next().unwrap().to_string()
}
