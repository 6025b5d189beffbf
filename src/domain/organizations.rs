//! The rules of a project's organizations, their members, invitations,
//! roles and permissions (`../shared/docs/orgs-api.md`), and the refusals
//! they can end in. Pure: the services decide with them, the adapters word
//! the refusals for their client.

use super::validate::{validate_name, FieldError};
use serde::{Deserialize, Serialize};

/// The role that holds every permission, always; not stored, not editable.
pub const SUPER_ADMIN: &str = "super_admin";
/// The two roles every project starts with, editable.
pub const ADMIN: &str = "admin";
pub const MEMBER: &str = "member";

/// Invitations last a week (Banata's docs).
pub const INVITATION_DAYS: i64 = 7;
/// An organization's `metadata`, as JSON text.
pub const METADATA_MAX: usize = 16 * 1024;
pub const SLUG_MAX: usize = 64;
pub const DESCRIPTION_MAX: usize = 500;
pub const DOMAINS_MAX: usize = 100;
pub const MAX_MEMBERS_LIMIT: i64 = 1_000_000;
/// A project's own permissions and roles, at most.
pub const CUSTOM_MAX: i64 = 500;
/// A list asks for this many unless it says, and never more than the max.
pub const PAGE_DEFAULT: i64 = 100;
pub const PAGE_MAX: i64 = 1000;

/// Built in: every project has them, and they cannot be edited or deleted.
pub const BUILT_IN_PERMISSIONS: [&str; 20] = [
    "organization.read",
    "organization.update",
    "organization.delete",
    "member.read",
    "member.invite",
    "member.update_role",
    "member.remove",
    "role.read",
    "role.create",
    "role.update",
    "role.delete",
    "permission.read",
    "permission.create",
    "permission.update",
    "permission.delete",
    "api_key.read",
    "api_key.create",
    "api_key.delete",
    "webhook.manage",
    "audit.read",
];

/// What the `admin` role holds when a project is made: every built-in
/// permission but deleting the organization and the project's roles and
/// permissions.
pub fn default_admin_permissions() -> Vec<String> {
    let mut held: Vec<String> = BUILT_IN_PERMISSIONS
        .iter()
        .filter(|p| **p != "organization.delete" && !p.starts_with("role.") && !p.starts_with("permission."))
        .filter(|p| !matches!(**p, "api_key.create" | "api_key.delete"))
        .map(|p| p.to_string())
        .collect();
    held.sort();
    held
}

/// What the `member` role holds when a project is made.
pub fn default_member_permissions() -> Vec<String> {
    vec!["member.read".to_string(), "organization.read".to_string()]
}

pub fn is_built_in_permission(slug: &str) -> bool {
    BUILT_IN_PERMISSIONS.contains(&slug)
}

/// A permission a read-only key holds: only looking.
pub fn is_read_permission(slug: &str) -> bool {
    slug.ends_with(".read")
}

/// Why an organization request is refused, beyond a field's own rules and
/// "not found". Each has one code and message, better-auth's where it has
/// one, so both clients read it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum OrgRefusal {
    SlugTaken,
    MissingPermission(String),
    NotAMember,
    NoActiveOrganization,
    LastSuperAdmin,
    UnknownRoles(Vec<String>),
    UnknownPermissions(Vec<String>),
    AlreadyMember,
    AlreadyInvited,
    DomainNotAllowed,
    MembershipLimit,
    InvitationNotPending,
    InvitationExpired,
    NotRecipient,
    EmailVerificationRequired,
    UseLeave,
    /// Only an admin or a `super_admin` may make someone `super_admin`.
    CannotGrantSuperAdmin,
    CreationClosed,
    /// A user-only endpoint called with an admin key.
    NeedsUser,
    /// An admin creating an organization for a user that does not exist.
    UnknownUser,
    ReservedRole,
    SuperAdminFixed,
    BuiltInPermission,
    RoleSlugTaken,
    PermissionSlugTaken,
    RoleStillSomeonesOnly,
    TooMany,
}

impl OrgRefusal {
    /// HTTP status on the organization endpoints.
    pub fn status(&self) -> u16 {
        use OrgRefusal::*;
        match self {
            MissingPermission(_)
            | NotAMember
            | NotRecipient
            | EmailVerificationRequired
            | CannotGrantSuperAdmin
            | CreationClosed
            | SuperAdminFixed
            | BuiltInPermission => 403,
            NeedsUser => 401,
            MembershipLimit => 422,
            RoleSlugTaken | PermissionSlugTaken | RoleStillSomeonesOnly => 409,
            _ => 400,
        }
    }

    pub fn code(&self) -> &'static str {
        use OrgRefusal::*;
        match self {
            SlugTaken => "ORGANIZATION_SLUG_ALREADY_EXISTS",
            MissingPermission(_) => "MISSING_PERMISSION",
            NotAMember => "YOU_ARE_NOT_A_MEMBER_OF_THIS_ORGANIZATION",
            NoActiveOrganization => "NO_ACTIVE_ORGANIZATION",
            LastSuperAdmin => "ORGANIZATION_NEEDS_A_SUPER_ADMIN",
            UnknownRoles(_) => "ROLE_NOT_FOUND",
            UnknownPermissions(_) => "PERMISSION_NOT_FOUND",
            AlreadyMember => "USER_IS_ALREADY_A_MEMBER_OF_THIS_ORGANIZATION",
            AlreadyInvited => "USER_IS_ALREADY_INVITED_TO_THIS_ORGANIZATION",
            DomainNotAllowed => "EMAIL_DOMAIN_NOT_ALLOWED",
            MembershipLimit => "ORGANIZATION_MEMBERSHIP_LIMIT_REACHED",
            InvitationNotPending => "INVITATION_NOT_PENDING",
            InvitationExpired => "INVITATION_EXPIRED",
            NotRecipient => "YOU_ARE_NOT_THE_RECIPIENT_OF_THE_INVITATION",
            EmailVerificationRequired => "EMAIL_VERIFICATION_REQUIRED_BEFORE_ACCEPTING_OR_REJECTING_INVITATION",
            UseLeave => "USE_LEAVE_TO_LEAVE",
            CannotGrantSuperAdmin => "YOU_ARE_NOT_ALLOWED_TO_GRANT_SUPER_ADMIN",
            CreationClosed => "YOU_ARE_NOT_ALLOWED_TO_CREATE_A_NEW_ORGANIZATION",
            NeedsUser => "USER_SESSION_REQUIRED",
            UnknownUser => "USER_NOT_FOUND",
            ReservedRole => "ROLE_SLUG_RESERVED",
            SuperAdminFixed => "SUPER_ADMIN_CANNOT_CHANGE",
            BuiltInPermission => "BUILT_IN_PERMISSION",
            RoleSlugTaken => "ROLE_ALREADY_EXISTS",
            PermissionSlugTaken => "PERMISSION_ALREADY_EXISTS",
            RoleStillSomeonesOnly => "ROLE_IS_ASSIGNED_TO_MEMBERS",
            TooMany => "TOO_MANY",
        }
    }

    pub fn message(&self) -> String {
        use OrgRefusal::*;
        match self {
            SlugTaken => "An organization with this slug already exists.".into(),
            MissingPermission(p) => format!("Missing permission: {p}"),
            NotAMember => "You are not a member of this organization.".into(),
            NoActiveOrganization => "No active organization.".into(),
            LastSuperAdmin => {
                "An organization keeps at least one super_admin: make someone else super_admin first.".into()
            }
            UnknownRoles(roles) => format!("Role not found: {}", roles.join(", ")),
            UnknownPermissions(p) => format!("Permission not found: {}", p.join(", ")),
            AlreadyMember => "User is already a member of this organization.".into(),
            AlreadyInvited => "User is already invited to this organization. Send it again with resend: true.".into(),
            DomainNotAllowed => "This organization only takes members from its allowed email domains.".into(),
            MembershipLimit => "Organization membership limit reached.".into(),
            InvitationNotPending => "This invitation is no longer pending.".into(),
            InvitationExpired => "This invitation has expired.".into(),
            NotRecipient => "You are not the recipient of the invitation.".into(),
            EmailVerificationRequired => "Verify your email address before answering the invitation.".into(),
            UseLeave => "To remove yourself, use organization/leave.".into(),
            CannotGrantSuperAdmin => {
                "Only an admin or a super_admin of this organization may grant super_admin.".into()
            }
            CreationClosed => "This app does not let its users create organizations.".into(),
            NeedsUser => "This endpoint acts for a signed-in user; an API key cannot call it.".into(),
            UnknownUser => "No user with that id in this project.".into(),
            ReservedRole => "super_admin is reserved.".into(),
            SuperAdminFixed => "super_admin holds every permission and cannot be changed or deleted.".into(),
            BuiltInPermission => "Built-in permissions cannot be changed or deleted.".into(),
            RoleSlugTaken => "A role with this slug already exists.".into(),
            PermissionSlugTaken => "A permission with this slug already exists.".into(),
            RoleStillSomeonesOnly => "Some members have only this role: give them another one first.".into(),
            TooMany => format!("A project has at most {CUSTOM_MAX} roles and {CUSTOM_MAX} permissions of its own."),
        }
    }
}

/// An organization's name: as a project's or a person's.
pub fn check_org_name(raw: &str) -> Result<String, FieldError> {
    validate_name("name", raw)
}

/// An organization's slug: 1 to 64 lowercase letters, digits, dashes and
/// underscores.
pub fn check_org_slug(field: &str, raw: &str) -> Result<String, FieldError> {
    let slug = raw.trim();
    if slug.is_empty() {
        return Err(FieldError::coded(field, "required", "Enter a slug."));
    }
    if slug.len() > SLUG_MAX {
        return Err(FieldError::new(field, format!("Use at most {SLUG_MAX} characters.")));
    }
    if !slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_') {
        return Err(FieldError::new(field, "Use lowercase letters, digits, dashes and underscores."));
    }
    Ok(slug.to_string())
}

/// A slug made from a name: "Acme, Inc." → "acme-inc"; "org" when nothing
/// is left.
pub fn slug_from_name(name: &str) -> String {
    let mut slug = String::new();
    for c in name.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug: String = slug.trim_end_matches('-').chars().take(SLUG_MAX - 8).collect();
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        "org".into()
    } else {
        slug.into()
    }
}

/// A role's slug: 1 to 64 lowercase letters, digits, dashes, underscores.
pub fn check_role_slug(field: &str, raw: &str) -> Result<String, FieldError> {
    check_org_slug(field, raw)
}

/// A permission's slug: `resource.action`, each part lowercase letters,
/// digits and underscores.
pub fn check_permission_slug(field: &str, raw: &str) -> Result<String, FieldError> {
    let slug = raw.trim();
    let part = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    match slug.split_once('.') {
        Some((resource, action)) if slug.len() <= 100 && part(resource) && part(action) => Ok(slug.to_string()),
        _ => Err(FieldError::new(
            field,
            "Use resource.action: lowercase letters, digits and underscores on each side of one dot.",
        )),
    }
}

/// A description: optional, at most 500 characters.
pub fn check_description(raw: Option<&str>) -> Result<Option<String>, FieldError> {
    match raw.map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) if d.chars().count() > DESCRIPTION_MAX => {
            Err(FieldError::new("description", format!("Use at most {DESCRIPTION_MAX} characters.")))
        }
        other => Ok(other.map(str::to_string)),
    }
}

/// Role slugs from "admin,billing" or ["admin","billing"]: trimmed, none
/// empty, each once, in the order given.
pub fn parse_roles(field: &str, given: &[String]) -> Result<Vec<String>, FieldError> {
    let mut roles: Vec<String> = Vec::new();
    for role in given.iter().flat_map(|r| r.split(',')) {
        let role = check_role_slug(field, role)?;
        if !roles.contains(&role) {
            roles.push(role);
        }
    }
    if roles.is_empty() {
        return Err(FieldError::coded(field, "required", "Name at least one role."));
    }
    Ok(roles)
}

/// Email domains an organization takes members from: lower-cased, each a
/// plausible host name.
pub fn check_domains(domains: &[String]) -> Result<Vec<String>, FieldError> {
    if domains.len() > DOMAINS_MAX {
        return Err(FieldError::new("allowedEmailDomains", format!("Name at most {DOMAINS_MAX} domains.")));
    }
    let mut checked = Vec::new();
    for domain in domains {
        let domain = domain.trim().trim_start_matches('@').to_lowercase();
        let host_like = !domain.is_empty()
            && domain.len() <= 253
            && domain.contains('.')
            && domain.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
        if !host_like {
            return Err(FieldError::new("allowedEmailDomains", "Each entry must be a domain, like example.com."));
        }
        if !checked.contains(&domain) {
            checked.push(domain);
        }
    }
    Ok(checked)
}

/// Whether `email` may join an organization limited to `domains`.
pub fn domain_allowed(email: &str, domains: Option<&[String]>) -> bool {
    match domains {
        None | Some([]) => true,
        Some(domains) => {
            let domain = email.rsplit_once('@').map(|(_, d)| d.to_lowercase()).unwrap_or_default();
            domains.contains(&domain)
        }
    }
}

pub fn check_max_members(max: Option<i64>) -> Result<Option<i64>, FieldError> {
    match max {
        Some(n) if !(1..=MAX_MEMBERS_LIMIT).contains(&n) => {
            Err(FieldError::new("maxMembers", format!("Use a number from 1 to {MAX_MEMBERS_LIMIT}.")))
        }
        other => Ok(other),
    }
}

/// A page size: the default when not given, at most `PAGE_MAX`.
pub fn page_limit(limit: Option<i64>) -> Result<i64, FieldError> {
    match limit {
        None => Ok(PAGE_DEFAULT),
        Some(n) if (1..=PAGE_MAX).contains(&n) => Ok(n),
        Some(_) => Err(FieldError::new("limit", format!("Use a number from 1 to {PAGE_MAX}."))),
    }
}

/// better-auth's `resource: [action]` statement as our permission slug: its
/// built-in names map to ours, anything else is `resource.action`.
pub fn from_better_auth(resource: &str, action: &str) -> String {
    match (resource, action) {
        ("organization", "update" | "delete") => format!("organization.{action}"),
        ("member", "create") | ("invitation", "create" | "cancel") => "member.invite".into(),
        ("member", "update") => "member.update_role".into(),
        ("member", "delete") => "member.remove".into(),
        _ => format!("{resource}.{action}"),
    }
}

/// Whether roles holding `held` (each role's permissions) grant `permission`:
/// `super_admin` grants everything.
pub fn roles_grant<'a>(
    roles: impl IntoIterator<Item = &'a str>,
    permissions_of: impl Fn(&str) -> Option<&'a [String]>,
    permission: &str,
) -> bool {
    roles.into_iter().any(|role| {
        role == SUPER_ADMIN || permissions_of(role).is_some_and(|held| held.iter().any(|p| p == permission))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_come_from_names() {
        assert_eq!(slug_from_name("Acme, Inc."), "acme-inc");
        assert_eq!(slug_from_name("  ***  "), "org");
        assert_eq!(slug_from_name("Zürich Büro"), "z-rich-b-ro");
        assert!(slug_from_name(&"a".repeat(200)).len() <= SLUG_MAX - 8);
    }

    #[test]
    fn roles_parse_from_either_shape() {
        assert_eq!(parse_roles("role", &["admin, billing".into()]).unwrap(), ["admin", "billing"]);
        assert_eq!(parse_roles("role", &["admin".into(), "admin".into()]).unwrap(), ["admin"]);
        assert!(parse_roles("role", &[]).is_err());
        assert!(parse_roles("role", &["Admin".into()]).is_err());
        assert!(parse_roles("role", &[",".into()]).is_err());
    }

    #[test]
    fn permissions_are_resource_dot_action() {
        assert!(check_permission_slug("slug", "invoice.approve").is_ok());
        for bad in ["invoice", "invoice.", ".approve", "a.b.c", "Invoice.approve", "in voice.x", ""] {
            assert!(check_permission_slug("slug", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn domains_limit_who_joins() {
        let domains = check_domains(&["@Acme.com".into(), "acme.com".into()]).unwrap();
        assert_eq!(domains, ["acme.com"]);
        assert!(domain_allowed("Ann@ACME.com", Some(&domains)));
        assert!(!domain_allowed("ann@evil.com", Some(&domains)));
        assert!(!domain_allowed("ann@sub.acme.com", Some(&domains)));
        assert!(domain_allowed("ann@evil.com", None));
        assert!(check_domains(&["not a domain".into()]).is_err());
    }

    #[test]
    fn built_in_roles_hold_what_the_contract_says() {
        let admin = default_admin_permissions();
        assert!(admin.contains(&"member.invite".to_string()) && admin.contains(&"webhook.manage".to_string()));
        assert!(!admin.iter().any(|p| p == "organization.delete" || p.starts_with("role.")));
        assert_eq!(admin.len(), 9, "{admin:?}");
        let perms = |role: &str| match role {
            "admin" => Some(&admin[..]),
            _ => None,
        };
        assert!(roles_grant(["admin"], perms, "member.invite"));
        assert!(!roles_grant(["admin"], perms, "organization.delete"));
        assert!(roles_grant(["member", SUPER_ADMIN], perms, "organization.delete"));
        assert!(!roles_grant(["ghost"], perms, "member.read"));
    }

    #[test]
    fn better_auth_names_map_to_ours() {
        assert_eq!(from_better_auth("member", "create"), "member.invite");
        assert_eq!(from_better_auth("invitation", "cancel"), "member.invite");
        assert_eq!(from_better_auth("member", "update"), "member.update_role");
        assert_eq!(from_better_auth("organization", "delete"), "organization.delete");
        assert_eq!(from_better_auth("invoice", "approve"), "invoice.approve");
    }
}
