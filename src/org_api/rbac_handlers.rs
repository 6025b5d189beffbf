//! `/banata/config/roles/*`, `/banata/config/permissions/*`,
//! `/banata/rbac/*` (the admin SDK's `rbac`) and better-auth's
//! `/organization/has-permission`.

use super::error::{self, OrgError};
use super::extract::OrgCall;
use super::wire::{self, CheckBody, HasPermissionBody, OrgRef, RoleBody};
use crate::domain::organizations::from_better_auth;
use crate::domain::FieldError;
use crate::error::AppError;
use crate::services::org_roles::{self, RoleInput};
use crate::services::rbac::{self, Combine, Subject};
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

type Answer = Result<Json<Value>, OrgError>;

fn input(body: RoleBody) -> (String, RoleInput) {
    let id = body.id.unwrap_or_default();
    (id, RoleInput { name: body.name, slug: body.slug, description: body.description, permissions: body.permissions })
}

pub async fn list_roles(State(state): State<AppState>, call: OrgCall<Value>) -> Answer {
    let roles = org_roles::roles(&state, &call.caller).await.map_err(error::config)?;
    Ok(Json(json!({"roles": roles.iter().map(wire::role).collect::<Vec<_>>()})))
}

pub async fn create_role(State(state): State<AppState>, call: OrgCall<RoleBody>) -> Answer {
    let (_, fields) = input(call.input);
    let role = org_roles::create_role(&state, &call.caller, fields).await.map_err(error::config)?;
    Ok(Json(json!({"role": wire::role(&role)})))
}

pub async fn update_role(State(state): State<AppState>, call: OrgCall<RoleBody>) -> Answer {
    let (id, fields) = input(call.input);
    let role = org_roles::update_role(&state, &call.caller, &id, fields).await.map_err(error::config)?;
    Ok(Json(json!({"role": wire::role(&role)})))
}

pub async fn delete_role(State(state): State<AppState>, call: OrgCall<RoleBody>) -> Answer {
    let (id, _) = input(call.input);
    org_roles::delete_role(&state, &call.caller, &id).await.map_err(error::config)?;
    Ok(Json(json!({"success": true})))
}

pub async fn list_permissions(State(state): State<AppState>, call: OrgCall<Value>) -> Answer {
    let permissions = org_roles::permissions(&state, &call.caller).await.map_err(error::config)?;
    Ok(Json(json!({"permissions": permissions.iter().map(wire::permission).collect::<Vec<_>>()})))
}

pub async fn create_permission(State(state): State<AppState>, call: OrgCall<RoleBody>) -> Answer {
    let (_, fields) = input(call.input);
    let permission = org_roles::create_permission(&state, &call.caller, fields).await.map_err(error::config)?;
    Ok(Json(json!({"permission": wire::permission(&permission)})))
}

pub async fn update_permission(State(state): State<AppState>, call: OrgCall<RoleBody>) -> Answer {
    let (id, fields) = input(call.input);
    let permission = org_roles::update_permission(&state, &call.caller, &id, fields).await.map_err(error::config)?;
    Ok(Json(json!({"permission": wire::permission(&permission)})))
}

pub async fn delete_permission(State(state): State<AppState>, call: OrgCall<RoleBody>) -> Answer {
    let (id, _) = input(call.input);
    org_roles::delete_permission(&state, &call.caller, &id).await.map_err(error::config)?;
    Ok(Json(json!({"success": true})))
}

pub async fn my_permissions(State(state): State<AppState>, call: OrgCall<OrgRef>) -> Answer {
    let OrgCall { caller, input } = call;
    let held = rbac::my_permissions(&state, &caller, input.organization_id.as_deref()).await.map_err(error::config)?;
    Ok(Json(json!({"permissions": held})))
}

pub async fn check_permission(State(state): State<AppState>, call: OrgCall<CheckBody>) -> Answer {
    let OrgCall { caller, input } = call;
    let permission = input.permission.ok_or_else(|| {
        AppError::from(FieldError::coded("permission", "required", "Name the permission, as resource.action."))
    });
    let permissions = vec![permission.map_err(error::config)?];
    let subject = Subject { user_id: input.user_id.as_deref(), organization_id: input.organization_id.as_deref() };
    let allowed = rbac::check(&state, &caller, &permissions, Combine::All, subject).await.map_err(error::config)?;
    Ok(Json(json!({"allowed": allowed})))
}

pub async fn check_permissions(State(state): State<AppState>, call: OrgCall<CheckBody>) -> Answer {
    let OrgCall { caller, input } = call;
    let combine = match input.operator.as_deref().map(str::trim) {
        None | Some("all") => Combine::All,
        Some("any") => Combine::Any,
        Some(_) => {
            return Err(error::config(FieldError::new("operator", "Use all or any.").into()));
        }
    };
    let permissions = input.permissions.unwrap_or_default();
    let subject = Subject { user_id: input.user_id.as_deref(), organization_id: input.organization_id.as_deref() };
    let allowed = rbac::check(&state, &caller, &permissions, combine, subject).await.map_err(error::config)?;
    Ok(Json(json!({"allowed": allowed})))
}

/// better-auth's client: `{"permissions": {"member": ["invite"]}}`; a
/// denial is `success: false`, not an error.
pub async fn has_permission(State(state): State<AppState>, call: OrgCall<HasPermissionBody>) -> Answer {
    let OrgCall { caller, input } = call;
    let statements = match (input.permissions, input.permission) {
        (Some(statements), None) | (None, Some(statements)) => statements,
        _ => return Err(AppError::from(FieldError::coded("permissions", "required", "Send permissions.")).into()),
    };
    let wanted: Vec<String> = statements
        .iter()
        .flat_map(|(resource, actions)| actions.iter().map(move |action| from_better_auth(resource, action)))
        .collect();
    let success = rbac::has_permission(&state, &caller, input.organization_id.as_deref(), &wanted).await?;
    Ok(Json(json!({"error": null, "success": success})))
}
