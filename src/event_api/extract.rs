//! Who calls, and what they ask: admin power comes from
//! `Authorization: Bearer <key>` alone (a browser's `x-api-key`, which an
//! app's route handler adds to everything, is no caller here: 401).

use crate::actor::RequestSource;
use crate::admin::extract::ApiCaller;
use crate::auth_api::extract::read_json;
use crate::org_api::error::OrgError;
use crate::org_api::extract::{admin_refusal, mismatch};
use crate::services::Caller;
use crate::state::AppState;
use axum::extract::{FromRequest, FromRequestParts, Request};
use serde::de::DeserializeOwned;

pub struct KeyCall<T> {
    pub caller: Caller,
    pub input: T,
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for KeyCall<T> {
    type Rejection = OrgError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, OrgError> {
        let (mut parts, body) = request.into_parts();
        let source = RequestSource::from_request_parts(&mut parts, state).await.unwrap_or_else(|never| match never {});
        let ApiCaller(key) = ApiCaller::from_request_parts(&mut parts, state).await.map_err(admin_refusal)?;
        let (input, named) = read_json::<T>(Request::from_parts(parts, body), state).await?;
        if named.as_deref().is_some_and(|named| named != key.project_id) {
            return Err(OrgError::Auth(mismatch()));
        }
        Ok(KeyCall { caller: Caller::api_key(source, &key), input })
    }
}
