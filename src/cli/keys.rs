//! `banata keys list|create|revoke|whoami`: the admin API from the shell.
//! The key comes from `BANATA_API_KEY` (never argv, which other users of the
//! machine can read), the server from `BANATA_URL`.

use crate::admin::key_types::{ApiKeyObject, CreateKeyRequest, CreatedApiKey};
use crate::client::Client;
use crate::config::KeysCommand;
use crate::domain::{dates, READ_KEYS};
use crate::server::StartError;

const DEFAULT_URL: &str = "http://127.0.0.1:3000";

pub async fn run(command: KeysCommand) -> Result<(), StartError> {
    let api_key = std::env::var("BANATA_API_KEY")
        .ok()
        .filter(|k| !k.trim().is_empty())
        .ok_or("set BANATA_API_KEY to a key of the project (it is read from the environment only)")?;
    let url = std::env::var("BANATA_URL").ok().filter(|u| !u.is_empty()).unwrap_or_else(|| DEFAULT_URL.into());
    let client = Client::new(&url, api_key.trim());
    match command {
        KeysCommand::List { json } => {
            let keys = client.list().await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&keys)?);
            } else {
                print!("{}", table(&keys));
            }
        }
        KeysCommand::Create { name, expires_at, read_only, json } => {
            let permissions = read_only.then(|| vec![READ_KEYS.to_string()]);
            let request = CreateKeyRequest { name: Some(name), expires_at, permissions, ..Default::default() };
            let created = client.create(&request).await?;
            print_new_key(&created, json, "Created")?;
        }
        KeysCommand::Roll { key_id, grace, json } => {
            let created = client.roll(&key_id, grace.whole_seconds()).await?;
            print_new_key(&created, json, "Rolled: the new key is")?;
            if !json {
                println!("The old key {key_id} works until {}.", created_until(&client, &key_id).await);
            }
        }
        KeysCommand::Revoke { key_id } => {
            client.delete(&key_id).await?;
            println!("Revoked {key_id}. It stops working at once.");
        }
        KeysCommand::Whoami { json } => {
            let me = client.whoami().await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&me)?);
            } else {
                println!("Project  {} ({}, {})", me.project.name, me.project.slug, me.project.id);
                println!("Key      {} ({}…, {})", me.key.name, me.key.prefix, me.key.id);
            }
        }
    }
    Ok(())
}

/// A new key, printed the one time it is shown.
fn print_new_key(created: &CreatedApiKey, json: bool, verb: &str) -> Result<(), StartError> {
    if json {
        println!("{}", serde_json::to_string_pretty(created)?);
    } else {
        println!("{verb} {} ({})", created.api_key.name, created.api_key.id);
        println!();
        println!("    {}", created.key);
        println!();
        println!("Copy it now: this is the only time it is shown.");
    }
    Ok(())
}

/// When a rolled key stops, as the server now lists it.
async fn created_until(client: &Client, key_id: &str) -> String {
    let listed = client.list().await.ok().and_then(|keys| keys.into_iter().find(|k| k.id == key_id));
    match listed.and_then(|k| k.expires_at) {
        Some(at) => format!("{} UTC", dates::to_the_minute(&at)),
        None => "now: it has stopped".to_string(),
    }
}

/// Aligned columns, one key per line.
fn table(keys: &[ApiKeyObject]) -> String {
    if keys.is_empty() {
        return "No active keys.\n".into();
    }
    let when = |t: &Option<String>, shown: fn(&str) -> String| t.as_deref().map_or("never".to_string(), shown);
    let rows: Vec<[String; 6]> = keys
        .iter()
        .map(|k| {
            [
                k.name.clone(),
                format!("{}…{}", k.prefix, k.last4),
                dates::date_only(&k.created_at),
                when(&k.last_used_at, dates::to_the_minute),
                when(&k.expires_at, dates::date_only),
                k.id.clone(),
            ]
        })
        .collect();
    let header = ["NAME", "KEY", "CREATED", "LAST USED (UTC)", "EXPIRES", "ID"].map(String::from);
    let widths: Vec<usize> =
        (0..6).map(|i| rows.iter().chain([&header]).map(|r| r[i].chars().count()).max().unwrap_or(0)).collect();
    let mut out = String::new();
    for row in [&header].into_iter().chain(&rows) {
        let cells: Vec<String> = row.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}
