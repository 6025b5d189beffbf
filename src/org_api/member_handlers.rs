//! `/organization/{list-members,add-member,update-member-role,
//! remove-member,leave,get-active-member,get-active-member-role}`.

use super::error::OrgError;
use super::extract::OrgCall;
use super::wire::{self, ActiveRoleQuery, AddMemberBody, ListMembersQuery, MemberRoleBody, OrgRef, RemoveMemberBody};
use crate::domain::organizations::page_limit;
use crate::domain::FieldError;
use crate::error::AppError;
use crate::services::org_access::OrgCaller;
use crate::services::organization_members;
use crate::services::organizations::Which;
use crate::state::AppState;
use crate::store::MemberPage;
use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

type Answer = Result<Json<Value>, OrgError>;

fn by_id(organization_id: &Option<String>) -> Which<'_> {
    Which { id: organization_id.as_deref(), slug: None }
}

/// Admin: `{data, listMetadata}`; better-auth: `{members, total}`.
pub async fn list(State(state): State<AppState>, call: OrgCall<ListMembersQuery>) -> Answer {
    let OrgCall { caller, input } = call;
    let limit = page_limit(input.limit).map_err(AppError::from)?;
    let offset = input.offset.unwrap_or(0);
    if offset < 0 {
        return Err(AppError::from(FieldError::new("offset", "Use 0 or more.")).into());
    }
    let which = Which { id: input.organization_id.as_deref(), slug: input.organization_slug.as_deref() };
    let organization = crate::services::organizations::resolve(&state, &caller, which).await?;
    let after = organization_members::cursor(&state, &caller, &organization.id, input.after.as_deref()).await?;
    let role = input.role.map(|r| r.trim().to_string()).filter(|r| !r.is_empty());
    let page = MemberPage { role, after, offset, limit };
    let by_id = Which { id: Some(&organization.id), slug: None };
    let (_, members, total) = organization_members::list(&state, &caller, by_id, page).await?;
    let items: Vec<Value> = members.iter().map(wire::member_with_user).collect();
    Ok(Json(match caller {
        OrgCaller::Project(_) => wire::paged(items, limit),
        OrgCaller::User { .. } => json!({"members": items, "total": total}),
    }))
}

pub async fn add(State(state): State<AppState>, call: OrgCall<AddMemberBody>) -> Answer {
    let OrgCall { caller, input } = call;
    let user_id = input.user_id.unwrap_or_default();
    let roles = input.role.list();
    let member = organization_members::add(&state, &caller, by_id(&input.organization_id), &user_id, &roles).await?;
    Ok(Json(wire::member(&member)))
}

pub async fn update_role(State(state): State<AppState>, call: OrgCall<MemberRoleBody>) -> Answer {
    let OrgCall { caller, input } = call;
    let member = input.member_id.or(input.member_id_or_user_id).unwrap_or_default();
    let roles = input.role.list();
    let which = by_id(&input.organization_id);
    let changed = organization_members::set_roles(&state, &caller, which, &member, &roles).await?;
    Ok(Json(wire::member(&changed)))
}

pub async fn remove(State(state): State<AppState>, call: OrgCall<RemoveMemberBody>) -> Answer {
    let OrgCall { caller, input } = call;
    let member = input.member_id_or_email.or(input.member_id_or_user_id).unwrap_or_default();
    let removed = organization_members::remove(&state, &caller, by_id(&input.organization_id), &member).await?;
    Ok(Json(json!({"member": wire::member(&removed.member)})))
}

pub async fn leave(State(state): State<AppState>, call: OrgCall<OrgRef>) -> Answer {
    let OrgCall { caller, input } = call;
    let which = Which { id: input.organization_id.as_deref(), slug: input.organization_slug.as_deref() };
    let left = organization_members::leave(&state, &caller, which).await?;
    Ok(Json(wire::member_with_user(&left)))
}

pub async fn active_member(State(state): State<AppState>, call: OrgCall<OrgRef>) -> Answer {
    let OrgCall { caller, input } = call;
    let which = Which { id: input.organization_id.as_deref(), slug: input.organization_slug.as_deref() };
    let member = organization_members::active_member(&state, &caller, which).await?;
    Ok(Json(wire::member_with_user(&member)))
}

pub async fn active_member_role(State(state): State<AppState>, call: OrgCall<ActiveRoleQuery>) -> Answer {
    let OrgCall { caller, input } = call;
    let which = Which { id: input.organization_id.as_deref(), slug: input.organization_slug.as_deref() };
    let role = organization_members::role_of(&state, &caller, which, input.user_id.as_deref()).await?;
    Ok(Json(json!({"role": role})))
}
