//! A project's webhook endpoints, for the dashboard's Webhooks pages. Each
//! server function resolves the member and calls `services::webhooks`,
//! which holds the rules: everyone looks, owners and developers act. A new
//! or rotated secret is shown by a plain form's answer page
//! (`http::plain_forms`), never sent through a redirect.

use crate::domain::webhooks::{WebhookDetailView, WebhooksView};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {super::ctx, crate::services::webhooks};

#[server(prefix = "/api/dashboard", endpoint = "list_webhooks")]
pub async fn list_webhooks(slug: String) -> Result<WebhooksView, AppError> {
    let state = ctx::state()?;
    let (_, caller) = ctx::member(&state, &slug).await?;
    webhooks::dashboard(&state, &caller).await
}

#[server(prefix = "/api/dashboard", endpoint = "get_webhook")]
pub async fn get_webhook(
    slug: String,
    endpoint_id: String,
    delivery: Option<String>,
) -> Result<WebhookDetailView, AppError> {
    let state = ctx::state()?;
    let (_, caller) = ctx::member(&state, &slug).await?;
    webhooks::detail(&state, &caller, &endpoint_id, delivery.as_deref()).await
}

/// Disables or enables it (enabling clears its failures in a row).
#[server(prefix = "/api/dashboard", endpoint = "set_webhook_enabled")]
pub async fn set_webhook_enabled(slug: String, endpoint_id: String, enabled: String) -> Result<(), AppError> {
    let state = ctx::state()?;
    let (_, caller) = ctx::member(&state, &slug).await?;
    let input = webhooks::EndpointInput { enabled: Some(enabled == "true"), ..Default::default() };
    webhooks::update(&state, &caller, &endpoint_id, input).await?;
    ctx::back_with("saved");
    Ok(())
}

/// Deletes it with what was still to be sent; back to the list.
#[server(prefix = "/api/dashboard", endpoint = "delete_webhook")]
pub async fn delete_webhook(slug: String, endpoint_id: String) -> Result<(), AppError> {
    let state = ctx::state()?;
    let (_, caller) = ctx::member(&state, &slug).await?;
    webhooks::delete(&state, &caller, &endpoint_id).await?;
    leptos_axum::redirect(&format!("/projects/{}/webhooks?deleted=1", caller.project_slug));
    Ok(())
}

#[server(prefix = "/api/dashboard", endpoint = "send_test_webhook")]
pub async fn send_test_webhook(slug: String, endpoint_id: String) -> Result<(), AppError> {
    let state = ctx::state()?;
    let (_, caller) = ctx::member(&state, &slug).await?;
    webhooks::send_test(&state, &caller, &endpoint_id).await?;
    ctx::back_with("sent");
    Ok(())
}

/// Queues the delivery again, now ("Resend").
#[server(prefix = "/api/dashboard", endpoint = "resend_webhook_delivery")]
pub async fn resend_webhook_delivery(slug: String, delivery_id: String) -> Result<(), AppError> {
    let state = ctx::state()?;
    let (_, caller) = ctx::member(&state, &slug).await?;
    webhooks::retry(&state, &caller, &delivery_id).await?;
    ctx::back_with("resent");
    Ok(())
}
