//! Start-up: config -> store -> router -> listener, and a clean shutdown.

use crate::auth::activity::EndUserActivity;
use crate::auth::cookie_signing::{self, CookieSigner};
use crate::auth::jwt::JwtIssuer;
use crate::auth::password::PasswordQueue;
use crate::auth::rate_limit::{EndUserLimits, FailureLimiter, MailLimits, SignInLimits, SignUpLimits};
use crate::auth::role_cache::RoleCache;
use crate::auth::session_cache::SessionCache;
use crate::auth::usage::KeyUsage;
use crate::auth::verify::KeyVerifier;
use crate::config::smtp_url::Security;
use crate::config::Config;
use crate::mail::smtp::Smtp;
use crate::mail::worker::Worker;
use crate::mail::Outbox;
use crate::state::{AppState, Shared};
use crate::store::{self, Store};
use crate::{auth, http};
use leptos::config::LeptosOptions;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tower_sessions::session_store::ExpiredDeletion;

/// How long sent and failed mail (and spent links) are kept: the
/// deliveries page's history, and no longer (they name addresses).
const MAIL_KEPT: time::Duration = time::Duration::days(30);
/// How long the events API (and the dashboard's deliveries) look back.
const EVENTS_KEPT: time::Duration = time::Duration::days(30);

pub type StartError = Box<dyn std::error::Error + Send + Sync>;

/// A built server: its router, and what must be saved when it stops.
pub struct Server {
    pub router: axum::Router,
    /// The key verifier the router uses, for whoever embeds the server.
    pub keys: Arc<KeyVerifier>,
    /// The end-user session cache the router uses.
    pub end_user_sessions: Arc<SessionCache>,
    /// The organization roles cache the router uses.
    pub org_roles: Arc<RoleCache>,
    usage: Arc<KeyUsage>,
    activity: Arc<EndUserActivity>,
}

/// Connects the store (applying migrations), starts the background work and
/// builds the full router.
pub async fn build(config: Config) -> Result<Server, StartError> {
    let store = store::connect(&config.database_url).await?;
    build_on(config, store).await
}

/// `build` on a store that is already open: for embedding, and for tests
/// that put a store of their own (one that fails on purpose) under a real
/// server.
pub async fn build_on(config: Config, store: Arc<dyn Store>) -> Result<Server, StartError> {
    tokio::spawn(delete_expired_sessions(store.clone(), config.session_idle_timeout, config.session_absolute_timeout));
    let usage = Arc::new(KeyUsage::new(store.clone()));
    let activity = Arc::new(EndUserActivity::new(store.clone()));
    tokio::spawn(flush_counters(usage.clone(), activity.clone(), config.key_usage_flush.unsigned_abs()));
    auth::password::warm_up().await;
    let output_name = option_env!("LEPTOS_OUTPUT_NAME").unwrap_or("banata");
    let hashed = crate::site::init(output_name);
    let leptos_options = LeptosOptions::builder()
        .output_name(output_name)
        .hash_files(hashed)
        .site_root(config.site_root.as_str())
        .site_pkg_dir("pkg")
        .site_addr(config.addr)
        .build();
    let keys = Arc::new(KeyVerifier::new(store.clone(), usage.clone()));
    let end_user_sessions = Arc::new(SessionCache::default());
    let jwt = Arc::new(JwtIssuer::default());
    let org_roles = Arc::new(RoleCache::default());
    let caches =
        Caches { keys: keys.clone(), sessions: end_user_sessions.clone(), jwt: jwt.clone(), roles: org_roles.clone() };
    tokio::spawn(follow_changes(store.clone(), caches));
    let outbox = Arc::new(Outbox::new(config.smtp_url.is_some()));
    if let Some((url, from)) = config.mail_settings()? {
        if url.security == Security::None && !url.is_loopback() {
            tracing::warn!(smtp = %url.redacted(), "mail goes to another machine without TLS");
        }
        tracing::info!(smtp = %url.redacted(), "sending mail");
        let smtp = Smtp::new(&url)?;
        tokio::spawn(Worker { store: store.clone(), smtp, from, outbox: outbox.clone() }.run());
    }
    let timeout = Duration::from_secs(config.webhook_timeout);
    let webhooks = crate::webhooks::Worker::new(
        store.clone(),
        config.webhook_allowed_networks.clone(),
        config.webhook_retry_schedule.clone(),
        timeout,
    );
    tokio::spawn(webhooks.run());
    let state = AppState::new(Shared {
        leptos_options,
        keys: keys.clone(),
        key_failures: Arc::new(FailureLimiter::new(config.key_failure_limit, Duration::from_secs(900))),
        sign_in_limits: SignInLimits::default(),
        sign_up_limits: SignUpLimits::new(config.signup_limit),
        password_queue: PasswordQueue::new(config.password_queue as usize),
        end_user_limits: EndUserLimits::default(),
        sign_up_quota: Default::default(),
        jwt,
        end_user_sessions: end_user_sessions.clone(),
        org_roles: org_roles.clone(),
        end_user_activity: activity.clone(),
        outbox,
        mail_limits: MailLimits::default(),
        cookies: CookieSigner::new(
            &store.secrets().get_or_insert(cookie_signing::SECRET_NAME, &cookie_signing::new_secret()).await?,
        ),
        store,
        config: Arc::new(config),
    });
    Ok(Server { router: http::router(state), keys, end_user_sessions, org_roles, usage, activity })
}

/// Serves on `listener` until `shutdown` resolves and the requests in flight
/// are answered, then saves the pending key usage.
pub async fn serve(
    listener: TcpListener,
    server: Server,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use axum::serve::ListenerExt;
    // Without TCP_NODELAY a streamed page's second write can wait ~40 ms for
    // the client's delayed ACK.
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, server.router.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await?;
    match server.usage.flush().await {
        Ok(written) => tracing::info!(keys = written, "saved when keys were last used"),
        Err(error) => tracing::error!(%error, lost = server.usage.pending(), "could not save when keys were last used"),
    }
    if let Err(error) = server.activity.flush().await {
        tracing::error!(%error, lost = server.activity.pending(), "could not save the count of sign-ins and sign-ups");
    }
    Ok(())
}

/// Binds the configured address and serves until Ctrl-C or SIGTERM.
pub async fn run(config: Config) -> Result<(), StartError> {
    tracing::info!(database = %config.database_url_redacted(), "opening database");
    let addr = config.addr;
    let server = build(config).await?;
    let listener = TcpListener::bind(addr).await.map_err(|e| format!("cannot listen on {addr} (--addr): {e}"))?;
    let bound = listener.local_addr()?;
    tracing::info!("Banata is listening on http://{bound}");
    serve(listener, server, shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

/// Writes the counts kept in memory (key usage, end users' sign-ins and
/// sign-ups) every `every`; what fails to be written is kept for the next.
async fn flush_counters(usage: Arc<KeyUsage>, activity: Arc<EndUserActivity>, every: Duration) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        if let Err(error) = usage.flush().await {
            tracing::warn!(%error, "could not record key usage; will retry");
        }
        if let Err(error) = activity.flush().await {
            tracing::warn!(%error, "could not record sign-ins and sign-ups; will retry");
        }
    }
}

/// Every cache that must hear of changes any instance makes.
struct Caches {
    keys: Arc<KeyVerifier>,
    sessions: Arc<SessionCache>,
    jwt: Arc<JwtIssuer>,
    roles: Arc<RoleCache>,
}

/// Keeps the key, session, signing-key and role caches in step with what
/// any instance changes.
async fn follow_changes(store: Arc<dyn Store>, caches: Caches) {
    let (sender, mut changes) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move { store.watch_changes(sender).await });
    while let Some(change) = changes.recv().await {
        caches.keys.apply(&change);
        caches.sessions.apply(&change);
        caches.jwt.apply(&change);
        caches.roles.apply(&change);
    }
}

/// Every minute (and at start): the cookie records that have expired, the
/// sessions page's rows of sessions ended by timeout (which hold an address
/// and a browser, so they are not kept longer than their session), and
/// apps' end-user sessions past their expiry; mail and events after a month.
async fn delete_expired_sessions(store: Arc<dyn Store>, idle: time::Duration, absolute: time::Duration) {
    let sessions = store.session_backend();
    let mut every = tokio::time::interval(Duration::from_secs(60));
    loop {
        every.tick().await;
        if let Err(error) = sessions.delete_expired().await {
            tracing::warn!(%error, "could not delete expired sessions");
        }
        let now = time::OffsetDateTime::now_utc();
        if let Err(error) = store.dashboard_sessions().sweep(now - idle, now - absolute).await {
            tracing::warn!(%error, "could not delete the rows of ended sessions");
        }
        if let Err(error) = store.end_user_sessions().sweep(now).await {
            tracing::warn!(%error, "could not delete expired end-user sessions");
        }
        if let Err(error) = store.mail().sweep(now - MAIL_KEPT).await {
            tracing::warn!(%error, "could not delete old mail");
        }
        if let Err(error) = store.events().sweep(now - EVENTS_KEPT).await {
            tracing::warn!(%error, "could not delete old events");
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
