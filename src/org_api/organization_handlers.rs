//! `/organization/{create,list,get-full-organization,set-active,update,
//! delete,check-slug}`: read the call, ask `services::organizations`, write
//! the answer in the shape its client reads.

use super::error::OrgError;
use super::extract::OrgCall;
use super::wire::{self, CreateBody, ListQuery, OrgRef, SetActiveBody, SlugBody, UpdateBody};
use crate::domain::organizations::page_limit;
use crate::error::AppError;
use crate::services::org_access::OrgCaller;
use crate::services::organizations::{self, Which};
use crate::services::{organization_invitations, organization_members};
use crate::state::AppState;
use crate::store::MemberPage;
use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};
use time::OffsetDateTime;

type Answer = Result<Json<Value>, OrgError>;

fn which(r: &OrgRef) -> Which<'_> {
    Which { id: r.organization_id.as_deref(), slug: r.organization_slug.as_deref() }
}

pub async fn create(State(state): State<AppState>, call: OrgCall<CreateBody>) -> Answer {
    let OrgCall { caller, input } = call;
    let keep = input.keep_current_active_organization.unwrap_or(false);
    let (organization, member) =
        organizations::create(&state, &caller, input.fields.into(), input.user_id.as_deref(), keep).await?;
    let members: Vec<Value> = member.iter().map(wire::member).collect();
    Ok(Json(wire::organization_with(&organization, [("members", Value::Array(members))])))
}

pub async fn list(State(state): State<AppState>, call: OrgCall<ListQuery>) -> Answer {
    let OrgCall { caller, input } = call;
    let limit = page_limit(input.limit).map_err(AppError::from)?;
    let page = organizations::list(&state, &caller, input.search.as_deref(), input.after.as_deref(), limit).await?;
    let items: Vec<Value> = page
        .iter()
        .map(|s| wire::organization_with(&s.organization, [("memberCount", json!(s.member_count))]))
        .collect();
    Ok(Json(match caller {
        OrgCaller::Project(_) => wire::paged(items, limit),
        OrgCaller::User { .. } => Value::Array(items),
    }))
}

/// The organization with its first 100 members and invitations; `null`
/// when nothing is named and none is active.
pub async fn get_full(State(state): State<AppState>, call: OrgCall<OrgRef>) -> Answer {
    let OrgCall { caller, input } = call;
    let Some(organization) = organizations::resolve_optional(&state, &caller, which(&input)).await? else {
        return Ok(Json(Value::Null));
    };
    let by_id = Which { id: Some(&organization.id), slug: None };
    let page = MemberPage { limit: 100, ..Default::default() };
    let (_, members, _) = organization_members::list(&state, &caller, by_id, page).await?;
    let invitations = match organization_invitations::list(&state, &caller, by_id, None, None, 100).await {
        Ok(invitations) => invitations,
        // A member who may not invite sees the members, not the invitations.
        Err(AppError::Org(_)) => Vec::new(),
        Err(other) => return Err(other.into()),
    };
    let now = OffsetDateTime::now_utc();
    let members: Vec<Value> = members.iter().map(wire::member_with_user).collect();
    let invitations: Vec<Value> = invitations.iter().map(|i| wire::invitation(i, now)).collect();
    Ok(Json(wire::organization_with(
        &organization,
        [("members", Value::Array(members)), ("invitations", Value::Array(invitations))],
    )))
}

pub async fn set_active(State(state): State<AppState>, call: OrgCall<SetActiveBody>) -> Answer {
    let OrgCall { caller, input } = call;
    let target = match (&input.organization_id, input.organization_slug.as_deref()) {
        (Some(None), _) => None,
        (None, None) => None,
        (Some(Some(id)), slug) => Some(Which { id: Some(id.as_str()), slug }),
        (None, Some(slug)) => Some(Which { id: None, slug: Some(slug) }),
    };
    let organization = organizations::set_active(&state, &caller, target).await?;
    Ok(Json(organization.as_ref().map(wire::organization).unwrap_or(Value::Null)))
}

pub async fn update(State(state): State<AppState>, call: OrgCall<UpdateBody>) -> Answer {
    let OrgCall { caller, input } = call;
    let which = Which { id: input.organization_id.as_deref(), slug: None };
    let organization = organizations::update(&state, &caller, which, input.data.into()).await?;
    Ok(Json(wire::organization(&organization)))
}

pub async fn delete(State(state): State<AppState>, call: OrgCall<OrgRef>) -> Answer {
    let OrgCall { caller, input } = call;
    let organization = organizations::delete(&state, &caller, which(&input)).await?;
    Ok(Json(wire::organization(&organization)))
}

pub async fn check_slug(State(state): State<AppState>, call: OrgCall<SlugBody>) -> Answer {
    let OrgCall { caller, input } = call;
    organizations::check_slug(&state, &caller, input.slug.as_deref().unwrap_or_default()).await?;
    Ok(Json(json!({"status": true})))
}
