//! `banata jwt rotate --project <slug>`: a new JWT signing key for one
//! project, the old one kept in its JWKS for an hour.

use crate::auth::jwt;
use crate::config::Config;
use crate::server::StartError;
use crate::store;

pub async fn rotate(config: &Config, project: &str) -> Result<(), StartError> {
    let store = store::connect(&config.database_url).await?;
    let Some(project) = store.projects().find(project.trim()).await? else {
        return Err(format!("no project with the URL name or id {:?}", project.trim()).into());
    };
    let kid = jwt::rotate(&*store, &project.id).await.map_err(|e| e.to_string())?;
    println!(
        "New signing key {kid} for {} ({}). The replaced key stays in the project's JWKS for an hour; running servers sign with the new one within a minute.",
        project.name, project.slug
    );
    Ok(())
}
