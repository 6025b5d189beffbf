//! `banata jwt rotate`: a new JWT signing key, the old one kept in the JWKS.

use crate::auth::jwt;
use crate::config::Config;
use crate::server::StartError;
use crate::store;

pub async fn rotate(config: &Config) -> Result<(), StartError> {
    let store = store::connect(&config.database_url).await?;
    let kid = jwt::rotate(&*store).await.map_err(|e| e.to_string())?;
    println!(
        "New signing key {kid}. Replaced keys stay in the JWKS ({} kept); running servers sign with the new one within a minute.",
        jwt::RETIRED_KEPT
    );
    Ok(())
}
