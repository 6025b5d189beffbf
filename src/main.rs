//! The `banata` binary: parse settings, then serve or run a command.

use banata::config::{Cli, Command, JwtCommand, UserCommand};
use clap::Parser;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    let filter = EnvFilter::try_new(&cli.config.log).unwrap_or_else(|_| EnvFilter::new("info"));
    // Colours only on a terminal: log files and collectors get plain text.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stdout());
    tracing_subscriber::fmt().with_env_filter(filter).with_target(false).with_ansi(ansi).init();

    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => banata::server::run(cli.config).await,
        Command::User(UserCommand::Create { email, name }) => {
            banata::cli::user::create_user(&cli.config, &email, name.as_deref()).await
        }
        Command::User(UserCommand::ResetPassword { email }) => {
            banata::cli::user::reset_password(&cli.config, &email).await
        }
        Command::Keys(command) => banata::cli::keys::run(command).await,
        Command::Jwt(JwtCommand::Rotate { project }) => banata::cli::jwt::rotate(&cli.config, &project).await,
    };
    if let Err(error) = result {
        eprintln!("banata: {error}");
        std::process::exit(1);
    }
}
