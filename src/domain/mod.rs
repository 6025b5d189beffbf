//! Types shared by the server and the browser. Nothing secret lives here:
//! no password hashes, no key hashes, no full keys.

mod validate;

pub use validate::{
    normalize_email, safe_next, validate_name, validate_password, FieldError, PASSWORD_MAX,
    PASSWORD_MIN,
};

use serde::{Deserialize, Serialize};

/// The signed-in user, as the dashboard shows them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: String,
    pub name: String,
    pub email: String,
}

/// A member's role in a project, from most to least powerful.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Owner,
    Developer,
    Viewer,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Developer => "developer",
            Role::Viewer => "viewer",
        }
    }

    pub fn parse(value: &str) -> Option<Role> {
        match value {
            "owner" => Some(Role::Owner),
            "developer" => Some(Role::Developer),
            "viewer" => Some(Role::Viewer),
            _ => None,
        }
    }

    /// Display label with a capital letter, for badges.
    pub fn label(self) -> &'static str {
        match self {
            Role::Owner => "Owner",
            Role::Developer => "Developer",
            Role::Viewer => "Viewer",
        }
    }
}

/// A project together with the caller's role in it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    pub project_id: String,
    pub name: String,
    pub slug: String,
    pub role: Role,
}

/// What the dashboard shell needs to draw itself for a signed-in user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    pub user: User,
    pub projects: Vec<Membership>,
}
