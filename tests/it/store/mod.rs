//! The store conformance suite: every case runs against SQLite and
//! PostgreSQL, one file per resource.

mod accounts_and_projects;
mod end_users;
mod keys;

use crate::support;
use banata::store::{NewKey, NewProject, NewUser};
use time::OffsetDateTime;

pub(super) fn new_user(email: &str) -> NewUser {
    NewUser {
        id: format!("usr_{}", support::email().replace(['@', '.'], "")),
        name: "Ada Lovelace".into(),
        email: email.into(),
        password_hash: "$argon2id$not-a-real-hash".into(),
        created_at: OffsetDateTime::now_utc(),
        mail: None,
    }
}

pub(super) fn new_project(owner: &str, slug: &str) -> NewProject {
    NewProject {
        id: format!("proj_{slug}"),
        name: format!("Project {slug}"),
        slug: slug.into(),
        owner_id: owner.into(),
        created_at: OffsetDateTime::now_utc(),
    }
}

pub(super) fn new_key(project_id: &str, creator: &str, name: &str, at: OffsetDateTime) -> NewKey {
    let material = banata::auth::keys::generate();
    NewKey {
        id: format!("key_{}", &material.hash[..20]),
        project_id: project_id.into(),
        name: name.into(),
        prefix: material.prefix,
        last4: material.last4,
        key_hash: material.hash,
        permissions: "[]".into(),
        created_by: creator.into(),
        created_at: at,
        expires_at: None,
    }
}
