//! `/organization/{invite-member,accept-invitation,reject-invitation,
//! cancel-invitation,get-invitation,list-invitations,list-user-invitations}`.

use super::error::OrgError;
use super::extract::OrgCall;
use super::wire::{self, GetInvitationQuery, InvitationBody, InviteBody, ListInvitationsQuery};
use crate::domain::organizations::page_limit;
use crate::error::AppError;
use crate::services::org_access::OrgCaller;
use crate::services::organization_invitations::{self, Invite};
use crate::services::organizations::Which;
use crate::state::AppState;
use crate::store::InvitationDetail;
use axum::extract::State;
use axum::Json;
use serde_json::{json, Map, Value};
use time::OffsetDateTime;

type Answer = Result<Json<Value>, OrgError>;

fn detail(d: &InvitationDetail, now: OffsetDateTime) -> Value {
    let mut more = Map::new();
    more.insert("organizationName".into(), json!(d.organization_name));
    more.insert("organizationSlug".into(), json!(d.organization_slug));
    more.insert("inviterEmail".into(), json!(d.inviter_email));
    wire::with_fields(wire::invitation(&d.invitation, now), more)
}

pub async fn invite(State(state): State<AppState>, call: OrgCall<InviteBody>) -> Answer {
    let OrgCall { caller, input } = call;
    let roles = input.role.list();
    let email = input.email.unwrap_or_default();
    let ask = Invite { email: &email, roles: &roles, resend: input.resend.unwrap_or(false) };
    let which = Which { id: input.organization_id.as_deref(), slug: None };
    let (invitation, mailed) = organization_invitations::invite(&state, &caller, which, ask).await?;
    let mut more = Map::new();
    more.insert("mailed".into(), json!(mailed));
    Ok(Json(wire::with_fields(wire::invitation(&invitation, OffsetDateTime::now_utc()), more)))
}

pub async fn accept(State(state): State<AppState>, call: OrgCall<InvitationBody>) -> Answer {
    let OrgCall { caller, input } = call;
    let id = input.invitation_id.unwrap_or_default();
    let (invitation, member) = organization_invitations::accept(&state, &caller, &id).await?;
    let now = OffsetDateTime::now_utc();
    Ok(Json(json!({"invitation": wire::invitation(&invitation, now), "member": wire::member(&member)})))
}

pub async fn reject(State(state): State<AppState>, call: OrgCall<InvitationBody>) -> Answer {
    let OrgCall { caller, input } = call;
    let id = input.invitation_id.unwrap_or_default();
    let invitation = organization_invitations::reject(&state, &caller, &id).await?;
    Ok(Json(json!({"invitation": wire::invitation(&invitation, OffsetDateTime::now_utc()), "member": null})))
}

pub async fn cancel(State(state): State<AppState>, call: OrgCall<InvitationBody>) -> Answer {
    let OrgCall { caller, input } = call;
    let id = input.invitation_id.unwrap_or_default();
    let invitation = organization_invitations::cancel(&state, &caller, &id).await?;
    Ok(Json(wire::invitation(&invitation, OffsetDateTime::now_utc())))
}

pub async fn get(State(state): State<AppState>, call: OrgCall<GetInvitationQuery>) -> Answer {
    let OrgCall { caller, input } = call;
    let found = organization_invitations::get(&state, &caller, input.id.as_deref().unwrap_or_default()).await?;
    Ok(Json(detail(&found, OffsetDateTime::now_utc())))
}

pub async fn list(State(state): State<AppState>, call: OrgCall<ListInvitationsQuery>) -> Answer {
    let OrgCall { caller, input } = call;
    let limit = page_limit(input.limit).map_err(AppError::from)?;
    let which = Which { id: input.organization_id.as_deref(), slug: None };
    let found =
        organization_invitations::list(&state, &caller, which, input.status.as_deref(), input.after.as_deref(), limit)
            .await?;
    let now = OffsetDateTime::now_utc();
    let items: Vec<Value> = found.iter().map(|i| wire::invitation(i, now)).collect();
    Ok(Json(match caller {
        OrgCaller::Project(_) => wire::paged(items, limit),
        OrgCaller::User { .. } => Value::Array(items),
    }))
}

pub async fn of_user(State(state): State<AppState>, call: OrgCall<Value>) -> Answer {
    let found = organization_invitations::of_user(&state, &call.caller).await?;
    let now = OffsetDateTime::now_utc();
    Ok(Json(Value::Array(found.iter().map(|d| detail(d, now)).collect())))
}
