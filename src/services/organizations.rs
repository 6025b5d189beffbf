//! A project's organizations: made, listed, read, changed, deleted, and the
//! one a user's session acts in. Who may do what is `org_access`'s.

use super::org_access::{self, OrgCaller};
use crate::auth::ids;
use crate::domain::organizations::{
    check_domains, check_max_members, check_org_name, check_org_slug, slug_from_name, OrgRefusal, METADATA_MAX,
};
use crate::domain::{check_image, FieldError, Resource};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::{
    NewMember, OrgPage, Organization, OrganizationFields, OrganizationMember, OrganizationSummary, StoreError,
};
use time::OffsetDateTime;

/// An organization's fields as a request gives them: `None` leaves a field
/// as it is (or at its default), `Some(None)` clears it.
#[derive(Clone, Debug, Default)]
pub struct OrgInput {
    pub name: Option<String>,
    pub slug: Option<String>,
    pub logo: Option<Option<String>>,
    pub metadata: Option<Option<serde_json::Value>>,
    pub require_mfa: Option<bool>,
    pub sso_enforced: Option<bool>,
    pub allowed_email_domains: Option<Option<Vec<String>>>,
    pub max_members: Option<Option<i64>>,
}

/// Which organization a request means: by id, by slug, or (neither) the
/// one the user's session acts in.
#[derive(Clone, Copy, Debug, Default)]
pub struct Which<'a> {
    pub id: Option<&'a str>,
    pub slug: Option<&'a str>,
}

/// The organization named, in the caller's project. Another project's is
/// "not found", like one that never was.
pub async fn resolve(state: &AppState, caller: &OrgCaller, which: Which<'_>) -> Result<Organization, AppError> {
    let project_id = caller.project_id();
    let id = which.id.map(str::trim).filter(|s| !s.is_empty());
    let slug = which.slug.map(str::trim).filter(|s| !s.is_empty());
    let found = match (id, slug) {
        (Some(id), _) => state.store.organizations().find(project_id, id).await?,
        (None, Some(slug)) => state.store.organizations().find_by_slug(project_id, slug).await?,
        (None, None) => match caller {
            OrgCaller::User { current, .. } => match current.session().active_organization_id.as_deref() {
                Some(active) => state.store.organizations().find(project_id, active).await?,
                None => return Err(AppError::Org(OrgRefusal::NoActiveOrganization)),
            },
            OrgCaller::Project(_) => {
                return Err(FieldError::coded("organizationId", "required", "Name the organization.").into())
            }
        },
    };
    found.ok_or(AppError::NotFound(Resource::Organization))
}

/// Like `resolve`, but `None` where nothing is named and none is active.
pub async fn resolve_optional(
    state: &AppState,
    caller: &OrgCaller,
    which: Which<'_>,
) -> Result<Option<Organization>, AppError> {
    match resolve(state, caller, which).await {
        Ok(organization) => Ok(Some(organization)),
        Err(AppError::Org(OrgRefusal::NoActiveOrganization)) => Ok(None),
        Err(other) => Err(other),
    }
}

/// Makes an organization. A user becomes its `super_admin` and (unless
/// `keep_active`) acts in it; the project (an admin key or the dashboard)
/// may name the user who becomes its `super_admin`, or none.
pub async fn create(
    state: &AppState,
    caller: &OrgCaller,
    input: OrgInput,
    owner: Option<&str>,
    keep_active: bool,
) -> Result<(Organization, Option<OrganizationMember>), AppError> {
    let project_id = caller.project_id();
    let owner_id = match caller {
        OrgCaller::User { may_create: false, .. } => return Err(AppError::Org(OrgRefusal::CreationClosed)),
        OrgCaller::User { current, .. } => Some(current.user().id.clone()),
        OrgCaller::Project(project) => {
            project.require(crate::domain::Permission::OrganizationsManage)?;
            match owner.map(str::trim).filter(|o| !o.is_empty()) {
                Some(user_id) => match state.store.end_users().get(project_id, user_id).await? {
                    Some(user) => Some(user.id),
                    None => return Err(AppError::Org(OrgRefusal::UnknownUser)),
                },
                None => None,
            }
        }
    };
    let name = input.name.as_deref().ok_or_else(|| FieldError::coded("name", "required", "Enter a name."))?;
    let mut fields = fields_of(OrganizationFields { name: check_org_name(name)?, ..Default::default() }, &input)?;
    let given_slug = input.slug.is_some();
    let base = if given_slug { fields.slug.clone() } else { slug_from_name(&fields.name) };
    let first = owner_id.map(|user_id| NewMember { id: ids::org_member_id(), user_id });
    let at = OffsetDateTime::now_utc();
    for attempt in 0..20 {
        fields.slug = match attempt {
            0 => base.clone(),
            _ => format!("{base}-{}", ids::slug_suffix()),
        };
        let id = ids::organization_id();
        let made =
            state.store.organizations().create(project_id, &id, &fields, first.as_ref(), caller.actor(), at).await;
        match made {
            Ok((organization, member)) => {
                if let OrgCaller::User { current, .. } = caller {
                    state.end_user_sessions.forget_user(&current.user().id);
                    if !keep_active {
                        set_session_active(state, caller, Some(&organization.id)).await?;
                    }
                }
                return Ok((organization, member));
            }
            Err(StoreError::Conflict(_)) if given_slug => return Err(AppError::Org(OrgRefusal::SlugTaken)),
            Err(StoreError::Conflict(_)) => continue,
            Err(other) => return Err(other.into()),
        }
    }
    Err(AppError::Org(OrgRefusal::SlugTaken))
}

/// A page of organizations, newest first: a user's own, or all the
/// project's for the project itself.
pub async fn list(
    state: &AppState,
    caller: &OrgCaller,
    search: Option<&str>,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<OrganizationSummary>, AppError> {
    let project_id = caller.project_id();
    let member = match caller {
        OrgCaller::User { current, .. } => Some(current.user().id.clone()),
        OrgCaller::Project(project) => {
            project.require(crate::domain::Permission::OrganizationsRead)?;
            None
        }
    };
    let after = match after.map(str::trim).filter(|a| !a.is_empty()) {
        Some(cursor) => {
            let at = state.store.organizations().find(project_id, cursor).await?;
            let at = at.ok_or_else(|| FieldError::new("after", "Not a cursor this list gave."))?;
            Some((at.created_at, at.id))
        }
        None => None,
    };
    let search = search.map(str::trim).filter(|s| !s.is_empty()).map(|s| s.chars().take(100).collect());
    let page = OrgPage { search, member, after, limit };
    Ok(state.store.organizations().page(project_id, &page).await?)
}

/// Changes the fields given; needs `organization.update`.
pub async fn update(
    state: &AppState,
    caller: &OrgCaller,
    which: Which<'_>,
    input: OrgInput,
) -> Result<Organization, AppError> {
    let organization = resolve(state, caller, which).await?;
    org_access::require(state, caller, &organization, "organization.update").await?;
    let current = OrganizationFields {
        name: organization.name.clone(),
        slug: organization.slug.clone(),
        logo: organization.logo.clone(),
        metadata: organization.metadata.clone(),
        require_mfa: organization.require_mfa,
        sso_enforced: organization.sso_enforced,
        allowed_email_domains: organization.allowed_email_domains.clone(),
        max_members: organization.max_members,
    };
    let mut fields = fields_of(current, &input)?;
    if let Some(name) = &input.name {
        fields.name = check_org_name(name)?;
    }
    let at = OffsetDateTime::now_utc();
    match state.store.organizations().update(caller.project_id(), &organization.id, &fields, caller.actor(), at).await {
        Err(StoreError::Conflict(_)) => Err(AppError::Org(OrgRefusal::SlugTaken)),
        other => Ok(other?),
    }
}

/// Deletes it with its members and invitations; needs `organization.delete`.
pub async fn delete(state: &AppState, caller: &OrgCaller, which: Which<'_>) -> Result<Organization, AppError> {
    let organization = resolve(state, caller, which).await?;
    org_access::require(state, caller, &organization, "organization.delete").await?;
    let at = OffsetDateTime::now_utc();
    let deleted = state.store.organizations().delete(caller.project_id(), &organization.id, caller.actor(), at).await?;
    // Its members' cached sessions hold it (a membership, perhaps the
    // active organization): a rare change, so the project's go.
    state.end_user_sessions.forget_project(caller.project_id());
    Ok(deleted)
}

/// Refused with `SlugTaken` when the project has an organization at `slug`.
pub async fn check_slug(state: &AppState, caller: &OrgCaller, slug: &str) -> Result<(), AppError> {
    let slug = check_org_slug("slug", slug)?;
    match state.store.organizations().find_by_slug(caller.project_id(), &slug).await? {
        Some(_) => Err(AppError::Org(OrgRefusal::SlugTaken)),
        None => Ok(()),
    }
}

/// The organization the user's session acts in from now on (`None`:
/// none). A user may only act in their own organizations.
pub async fn set_active(
    state: &AppState,
    caller: &OrgCaller,
    which: Option<Which<'_>>,
) -> Result<Option<Organization>, AppError> {
    caller.signed_in()?;
    let Some(which) = which else {
        set_session_active(state, caller, None).await?;
        return Ok(None);
    };
    let organization = resolve(state, caller, which).await?;
    if caller.membership(&organization.id).is_none() {
        return Err(AppError::Org(OrgRefusal::NotAMember));
    }
    set_session_active(state, caller, Some(&organization.id)).await?;
    Ok(Some(organization))
}

/// Stores the session's active organization and forgets its cached copy.
pub(super) async fn set_session_active(
    state: &AppState,
    caller: &OrgCaller,
    organization_id: Option<&str>,
) -> Result<(), AppError> {
    let current = caller.signed_in()?;
    let session = current.session();
    if session.active_organization_id.as_deref() == organization_id {
        return Ok(());
    }
    state.store.organization_members().set_active(&session.project_id, &session.id, organization_id).await?;
    state.end_user_sessions.forget_session_id(&session.id);
    Ok(())
}

/// Applies the input's fields over `fields`, each checked.
fn fields_of(mut fields: OrganizationFields, input: &OrgInput) -> Result<OrganizationFields, AppError> {
    if let Some(slug) = &input.slug {
        fields.slug = check_org_slug("slug", slug)?;
    }
    if let Some(logo) = &input.logo {
        fields.logo = check_image(logo.as_deref()).map_err(|e| e.renamed("image", "logo"))?;
    }
    if let Some(metadata) = &input.metadata {
        fields.metadata = match metadata {
            None => None,
            Some(value @ serde_json::Value::Object(_)) => {
                let text = value.to_string();
                if text.len() > METADATA_MAX {
                    return Err(FieldError::new("metadata", "Keep metadata under 16 KB.").into());
                }
                Some(text)
            }
            Some(_) => return Err(FieldError::new("metadata", "metadata must be a JSON object.").into()),
        };
    }
    if let Some(on) = input.require_mfa {
        fields.require_mfa = on;
    }
    if let Some(on) = input.sso_enforced {
        fields.sso_enforced = on;
    }
    if let Some(domains) = &input.allowed_email_domains {
        fields.allowed_email_domains = match domains {
            Some(domains) => Some(serde_json::to_string(&check_domains(domains)?).unwrap_or_default()),
            None => None,
        };
    }
    if let Some(max) = input.max_members {
        fields.max_members = check_max_members(max)?;
    }
    Ok(fields)
}
