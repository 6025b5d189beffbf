//! Account rules shared by the sign-up/sign-in server functions and the
//! `banata user create` command.

use super::{ids, password};
use crate::domain::{
    normalize_email, validate_name, validate_password, FieldError, Membership, User, ACCOUNT_PASSWORD_MAX,
};
use crate::error::AppError;
use crate::store::{NewProject, NewUser, QueuedMail, Store, StoreError};
use time::OffsetDateTime;

/// Makes a new account's verification mail from its id, name and email,
/// for the sign-up's own transaction (`None`: no mail).
pub type VerificationMail<'a> = dyn Fn(&str, &str, &str) -> Option<QueuedMail> + Send + Sync + 'a;

/// Checks every field, creates the user (with the verification mail `mail`
/// makes, if any), and gives them their default project.
pub async fn sign_up(
    store: &dyn Store,
    name: &str,
    email: &str,
    password: &str,
    mail: Option<&VerificationMail<'_>>,
) -> Result<User, AppError> {
    let mut errors = Vec::new();
    let name = validate_name("name", name).map_err(|e| errors.push(e)).ok();
    let email = normalize_email(email).map_err(|e| errors.push(e)).ok();
    let _ = validate_password(password).map_err(|e| errors.push(e));
    let (Some(name), Some(email), true) = (name, email, errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };

    let password_hash = password::hash_new(password).await?;
    let id = ids::user_id();
    let mail = mail.and_then(|compose| compose(&id, &name, &email));
    let new = NewUser { id, name, email, password_hash, created_at: OffsetDateTime::now_utc(), mail };
    let user = store.accounts().insert(&new).await.map_err(|e| match e {
        StoreError::Conflict(_) => {
            AppError::from(FieldError::new("email", "An account with this email already exists. Sign in instead."))
        }
        other => other.into(),
    })?;
    ensure_default_project(store, &user).await?;
    Ok(user)
}

/// Returns the user when email and password match. Every failure, including
/// an unknown email, costs one argon2 verification and gives the same error.
pub async fn authenticate(store: &dyn Store, email: &str, password: &str) -> Result<User, AppError> {
    if password.chars().count() > ACCOUNT_PASSWORD_MAX {
        return Err(AppError::InvalidCredentials);
    }
    let credentials = match normalize_email(email) {
        Ok(email) => store.accounts().credentials(&email).await?,
        Err(_) => None,
    };
    let (user, stored) = match credentials {
        Some(c) => (Some(c.user), Some(c.password_hash)),
        None => (None, None),
    };
    match (password::verify(password.to_string(), stored).await, user) {
        (true, Some(user)) => Ok(user),
        _ => Err(AppError::InvalidCredentials),
    }
}

/// Replaces the user's password when `current` is right, and ends every
/// other session of theirs (in the same transaction). Returns how many ended.
/// A wrong current password is `InvalidCredentials`, for the caller to count.
pub async fn change_password(
    store: &dyn Store,
    user: &User,
    current: &str,
    new: &str,
    keep_session: &str,
) -> Result<u64, AppError> {
    authenticate(store, &user.email, current).await?;
    validate_password(new).map_err(|e| FieldError::new("new_password", e.message))?;
    let password_hash = password::hash_new(new).await?;
    Ok(store.accounts().change_password(&user.id, &password_hash, keep_session).await?)
}

/// The user's projects; a user with none gets "<Name>'s project", as Banata does.
pub async fn ensure_default_project(store: &dyn Store, user: &User) -> Result<Vec<Membership>, AppError> {
    let existing = store.project_members().of_account(&user.id).await?;
    if !existing.is_empty() {
        return Ok(existing);
    }
    let name = format!("{}'s project", user.name);
    let base = slugify(&name);
    for attempt in 0..5 {
        let slug = if attempt == 0 { base.clone() } else { format!("{base}-{}", ids::slug_suffix()) };
        let project = NewProject {
            id: ids::project_id(),
            name: name.clone(),
            slug,
            owner_id: user.id.clone(),
            created_at: OffsetDateTime::now_utc(),
        };
        match store.projects().insert(&project).await {
            Ok(membership) => return Ok(vec![membership]),
            Err(StoreError::Conflict(_)) => continue,
            Err(other) => return Err(other.into()),
        }
    }
    tracing::error!("could not find a free slug for a default project");
    Err(AppError::Internal)
}

/// The project a user should land in: the last one they opened if they still
/// belong to it, else their first (made now if they have none).
pub async fn home_project(store: &dyn Store, user: &User) -> Result<Membership, AppError> {
    let projects = ensure_default_project(store, user).await?;
    let last = store.accounts().last_project(&user.id).await?;
    let home = last.and_then(|id| projects.iter().find(|p| p.project_id == id)).or(projects.first());
    home.cloned().ok_or(AppError::Internal)
}

/// Lowercase ASCII letters, digits and single dashes, at most 40 characters.
pub fn slugify(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
        if slug.len() >= 40 {
            break;
        }
    }
    let slug = slug.trim_end_matches('-').to_string();
    if slug.is_empty() {
        "project".to_string()
    } else {
        slug
    }
}

#[cfg(test)]
mod tests {
    use super::slugify;

    #[test]
    fn slugs_are_url_safe() {
        assert_eq!(slugify("Ada's project"), "ada-s-project");
        assert_eq!(slugify("  Émile -- Zola  "), "mile-zola");
        assert_eq!(slugify("!!!"), "project");
        assert!(slugify(&"x".repeat(100)).len() <= 40);
    }
}
