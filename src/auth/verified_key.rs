//! A key that works, as verification hands it to everyone after: the key
//! cache holds it, the admin and auth APIs act with it.

use crate::domain::AuthSettings;

/// A key that works, and the project it acts on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedKey {
    pub id: String,
    pub name: String,
    pub prefix: String,
    pub project_id: String,
    pub project_name: String,
    pub project_slug: String,
    pub permissions: Vec<String>,
    /// The project's Authentication settings, as they were when the key was
    /// looked up (a change forgets the project's cached keys).
    pub auth: AuthSettings,
}
