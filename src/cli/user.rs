//! `banata user create`: make an account from the shell, e.g. when sign-up is
//! closed; `banata user reset-password`: a reset link for a server without mail. The password comes from a prompt or standard input, never argv.

use crate::auth::accounts;
use crate::config::Config;
use crate::error::AppError;
use crate::server::StartError;
use crate::services::account_mail;
use crate::store;
use std::io::{BufRead, IsTerminal};

pub async fn create_user(config: &Config, email: &str, name: Option<&str>) -> Result<(), StartError> {
    let password = read_password()?;
    let name = name.map(str::to_owned).unwrap_or_else(|| email.split('@').next().unwrap_or(email).to_string());
    let store = store::connect(&config.database_url).await?;
    // Made by the operator: no verification mail.
    match accounts::sign_up(&*store, &name, email, &password, None).await {
        Ok(user) => {
            println!("Created {} <{}> ({})", user.name, user.email, user.id);
            Ok(())
        }
        Err(error) => Err(error.to_string().into()),
    }
}

pub async fn reset_password(config: &Config, email: &str) -> Result<(), StartError> {
    let store = store::connect(&config.database_url).await?;
    match account_mail::operator_reset_link(&*store, config, email).await {
        Ok(link) => {
            // The link is a password: printed for the operator, never logged.
            println!("{link}");
            eprintln!("This link sets a new password for {email} once, within one hour.");
            Ok(())
        }
        Err(AppError::NotFound(_)) => Err(format!("no account has the email {email}").into()),
        Err(error) => Err(error.to_string().into()),
    }
}

fn read_password() -> Result<String, StartError> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ")?;
        let again = rpassword::prompt_password("Repeat password: ")?;
        if first != again {
            return Err("the two passwords differ".into());
        }
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        Ok(line.trim_end_matches(['\r', '\n']).to_string())
    }
}
