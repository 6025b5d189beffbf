//! A typed client for the admin API, for Rust programs, the `banata keys`
//! command and our tests. Errors keep the server's `code` and field errors.

use crate::admin::key_types::{
    ApiKeyObject, CreateKeyRequest, CreatedApiKey, DeleteKeyRequest, ErrorBody, FieldProblem, RollKeyRequest, Success,
    Whoami,
};
use crate::admin::NEXT_CURSOR;
use serde::de::DeserializeOwned;

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The server answered with an error body.
    #[error("{message} ({status}, {code})")]
    Api { status: u16, code: String, message: String, errors: Vec<FieldProblem> },
    #[error("could not reach the server: {0}")]
    Transport(String),
    #[error("unexpected answer from the server: {0}")]
    Unexpected(String),
}

impl ClientError {
    /// The HTTP status of an error answer.
    pub fn status(&self) -> Option<u16> {
        match self {
            ClientError::Api { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// One page of keys and the cursor of the next.
#[derive(Debug)]
pub struct KeyListPage {
    pub keys: Vec<ApiKeyObject>,
    pub next_cursor: Option<String>,
}

#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    api_key: String,
}

impl std::fmt::Debug for Client {
    // The key never reaches a log through `{:?}`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").field("base", &self.base).finish_non_exhaustive()
    }
}

impl Client {
    /// `base_url` is where the server is, e.g. `http://127.0.0.1:3000`.
    pub fn new(base_url: &str, api_key: &str) -> Client {
        let http = reqwest::Client::builder()
            .user_agent(concat!("banata-rust-client/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("a default HTTP client builds");
        Client { http, base: base_url.trim_end_matches('/').to_string(), api_key: api_key.to_string() }
    }

    pub async fn create(&self, request: &CreateKeyRequest) -> Result<CreatedApiKey, ClientError> {
        let response = self.send(self.http.post(self.url("create")).json(request)).await?;
        decode(response).await
    }

    /// Every active key of the project, newest first.
    pub async fn list(&self) -> Result<Vec<ApiKeyObject>, ClientError> {
        decode(self.send(self.http.get(self.url("list"))).await?).await
    }

    /// One page of at most `limit` keys, after `cursor`.
    pub async fn list_page(&self, limit: u32, cursor: Option<&str>) -> Result<KeyListPage, ClientError> {
        let mut query = vec![("limit", limit.to_string())];
        query.extend(cursor.map(|c| ("cursor", c.to_string())));
        let response = self.send(self.http.get(self.url("list")).query(&query)).await?;
        let next_cursor = response.headers().get(NEXT_CURSOR).and_then(|v| v.to_str().ok()).map(str::to_owned);
        Ok(KeyListPage { keys: decode(response).await?, next_cursor })
    }

    /// Revokes a key of the project.
    pub async fn delete(&self, key_id: &str) -> Result<(), ClientError> {
        let request = DeleteKeyRequest { key_id: Some(key_id.to_string()), project_id: None };
        let _: Success = decode(self.send(self.http.post(self.url("delete")).json(&request)).await?).await?;
        Ok(())
    }

    /// Replaces a key; the old one keeps working for `grace_seconds`. The
    /// answer carries the new key's secret, this once.
    pub async fn roll(&self, key_id: &str, grace_seconds: i64) -> Result<CreatedApiKey, ClientError> {
        let request =
            RollKeyRequest { key_id: Some(key_id.into()), grace_seconds: Some(grace_seconds), project_id: None };
        decode(self.send(self.http.post(self.url("roll")).json(&request)).await?).await
    }

    /// Which project and key the client's key is.
    pub async fn whoami(&self) -> Result<Whoami, ClientError> {
        decode(self.send(self.http.get(self.url("whoami"))).await?).await
    }

    fn url(&self, endpoint: &str) -> String {
        format!("{}/api/auth/api-key/{endpoint}", self.base)
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Result<reqwest::Response, ClientError> {
        request.bearer_auth(&self.api_key).send().await.map_err(|e| ClientError::Transport(e.without_url().to_string()))
    }
}

async fn decode<T: DeserializeOwned>(response: reqwest::Response) -> Result<T, ClientError> {
    let status = response.status();
    let body = response.bytes().await.map_err(|e| ClientError::Transport(e.to_string()))?;
    if status.is_success() {
        return serde_json::from_slice(&body).map_err(|e| ClientError::Unexpected(e.to_string()));
    }
    match serde_json::from_slice::<ErrorBody>(&body) {
        Ok(error) => Err(ClientError::Api {
            status: status.as_u16(),
            code: error.code,
            message: error.message,
            errors: error.errors,
        }),
        Err(_) => Err(ClientError::Unexpected(format!("HTTP {status} without an error body"))),
    }
}
