//! `EndUserStore` in SQL.

use super::end_user_sessions::{end_of_user_on, revoked};
use super::events::{self, NewEvent};
use super::*;
use crate::domain::EventType;
use crate::store::views;

#[async_trait]
impl EndUserStore for Backend {
    async fn insert(&self, user: &NewEndUser, by: &Actor) -> Result<EndUser, StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(queries::end_users::INSERT_USER)
            .bind(&user.id)
            .bind(&user.project_id)
            .bind(&user.email)
            .bind(&user.name)
            .bind(user.image.as_deref())
            .bind(user.password_hash.as_deref())
            .bind(user.email_verified)
            .bind(user.at)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::unique("email"))?;
        if let Some(mail) = &user.mail {
            mail::queue(&mut tx, mail).await?;
        }
        let row = sqlx::query_as::<_, EndUser>(&queries::end_users::user_by_id())
            .bind(&user.project_id)
            .bind(&user.id)
            .fetch_one(&mut *tx)
            .await?;
        let detail = match by.kind {
            ActorKind::App => "signed up".to_string(),
            _ => String::new(),
        };
        audit::record(
            &mut tx,
            AuditRecord::new(
                &user.project_id,
                AuditAction::EndUserCreated,
                by,
                (&user.id, &user.email),
                detail,
                user.at,
            )
            .with(NewEvent::new(&user.project_id, EventType::UserCreated, views::user(&row), user.at).prepare()),
        )
        .await?;
        tx.commit().await?;
        Ok(row)
    }

    async fn get(&self, project_id: &str, user_id: &str) -> Result<Option<EndUser>, StoreError> {
        Ok(sqlx::query_as::<_, EndUser>(&queries::end_users::user_by_id())
            .bind(project_id)
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn credentials(&self, project_id: &str, email: &str) -> Result<Option<EndUserCredentials>, StoreError> {
        let row = sqlx::query_as::<_, EndUserCredentialsRow>(&queries::end_users::credentials())
            .bind(project_id)
            .bind(email)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| EndUserCredentials { user: r.user, password_hash: r.password_hash }))
    }

    async fn list(
        &self,
        project_id: &str,
        search: Option<&str>,
        limit: u32,
        offset: u32,
    ) -> Result<(Vec<EndUser>, i64), StoreError> {
        let pattern = search.map_or_else(|| "%".to_string(), queries::like_pattern);
        let users = sqlx::query_as::<_, EndUser>(&queries::end_users::page(limit, offset))
            .bind(project_id)
            .bind(&pattern)
            .fetch_all(&self.pool)
            .await?;
        let (total,): (i64,) =
            sqlx::query_as(queries::end_users::COUNT).bind(project_id).bind(&pattern).fetch_one(&self.pool).await?;
        Ok((users, total))
    }

    async fn delete(&self, project_id: &str, user_id: &str, by: &Actor, at: OffsetDateTime) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        projects::lock(&mut tx, project_id).await?;
        let user = sqlx::query_as::<_, EndUser>(&queries::end_users::user_by_id())
            .bind(project_id)
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound(Resource::User))?;
        let sessions = end_of_user_on(&mut tx, project_id, user_id, None).await?;
        let deleted =
            sqlx::query(queries::end_users::DELETE_USER).bind(project_id).bind(user_id).execute(&mut *tx).await?;
        mail::retire_links(&mut tx, user_id, at).await?;
        found(deleted.rows_affected(), Resource::User)?;
        revoked(&mut tx, project_id, &sessions, at).await?;
        let event = NewEvent::new(project_id, EventType::UserDeleted, views::user(&user), at);
        let record =
            AuditRecord::new(project_id, AuditAction::EndUserDeleted, by, (user_id, &user.email), String::new(), at);
        audit::record(&mut tx, record.with(event.prepare())).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn page(
        &self,
        project_id: &str,
        search: Option<&str>,
        after: Option<&EndUserCursor>,
        limit: u32,
    ) -> Result<Vec<EndUser>, StoreError> {
        let search = search.map(str::to_lowercase);
        let sql = queries::end_users::page_after(limit, search.is_some(), after.is_some(), BYTE_ORDER);
        let mut query = sqlx::query_as::<_, EndUser>(&sql).bind(project_id);
        if let Some(prefix) = &search {
            query = query.bind(prefix.clone()).bind(format!("{prefix}{}", char::MAX));
        }
        if let Some(after) = after {
            query = query.bind(after.created_at).bind(after.id.clone());
        }
        Ok(query.fetch_all(&self.pool).await?)
    }

    async fn set_ban(
        &self,
        project_id: &str,
        user_id: &str,
        ban: &EndUserBan,
        by: &Actor,
    ) -> Result<EndUser, StoreError> {
        let mut tx = self.pool.begin().await?;
        let changed = sqlx::query(queries::end_users::SET_BAN)
            .bind(project_id)
            .bind(user_id)
            .bind(ban.banned)
            .bind(ban.reason.as_deref())
            .bind(ban.expires)
            .bind(ban.at)
            .execute(&mut *tx)
            .await?;
        found(changed.rows_affected(), Resource::User)?;
        let sessions = match ban.banned {
            true => end_of_user_on(&mut tx, project_id, user_id, None).await?,
            false => Vec::new(),
        };
        let user = sqlx::query_as::<_, EndUser>(&queries::end_users::user_by_id())
            .bind(project_id)
            .bind(user_id)
            .fetch_one(&mut *tx)
            .await?;
        let (action, detail) = match ban.banned {
            true => (AuditAction::EndUserBanned, audit_text::ban(ban.reason.as_deref(), ban.expires)),
            false => (AuditAction::EndUserUnbanned, String::new()),
        };
        revoked(&mut tx, project_id, &sessions, ban.at).await?;
        let kind = if ban.banned { EventType::UserBanned } else { EventType::UserUnbanned };
        let event = NewEvent::new(project_id, kind, views::user(&user), ban.at);
        let record = AuditRecord::new(project_id, action, by, (user_id, &user.email), detail, ban.at);
        audit::record(&mut tx, record.with(event.prepare())).await?;
        tx.commit().await?;
        Ok(user)
    }

    async fn change(
        &self,
        project_id: &str,
        user_id: &str,
        changes: &EndUserChanges,
        at: OffsetDateTime,
        by: &Actor,
    ) -> Result<EndUser, StoreError> {
        let mut tx = self.pool.begin().await?;
        let changed = sqlx::query(queries::end_users::UPDATE_USER)
            .bind(project_id)
            .bind(user_id)
            .bind(changes.name.as_deref())
            .bind(changes.image.as_ref().and_then(|i| i.as_deref()))
            .bind(changes.image.is_some())
            .bind(changes.email_verified)
            .bind(changes.role.as_deref())
            .bind(changes.metadata.as_deref())
            .bind(at)
            .execute(&mut *tx)
            .await?;
        found(changed.rows_affected(), Resource::User)?;
        let user = sqlx::query_as::<_, EndUser>(&queries::end_users::user_by_id())
            .bind(project_id)
            .bind(user_id)
            .fetch_one(&mut *tx)
            .await?;
        let detail = audit_text::fields(&changes.fields());
        let event = NewEvent::new(project_id, EventType::UserUpdated, views::user(&user), at);
        let record = AuditRecord::new(project_id, AuditAction::EndUserUpdated, by, (user_id, &user.email), detail, at);
        audit::record(&mut tx, record.with(event.prepare())).await?;
        tx.commit().await?;
        Ok(user)
    }

    async fn set_password(
        &self,
        project_id: &str,
        user_id: &str,
        password_hash: &str,
        keep: Option<&str>,
        at: OffsetDateTime,
        by: &Actor,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        projects::lock(&mut tx, project_id).await?;
        let email = end_users::email_of(&mut tx, project_id, user_id).await?;
        let changed = sqlx::query(queries::end_users::SET_PASSWORD)
            .bind(project_id)
            .bind(user_id)
            .bind(password_hash)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        found(changed.rows_affected(), Resource::User)?;
        let ended = end_of_user_on(&mut tx, project_id, user_id, keep).await?;
        let detail = match ended.len() {
            0 => String::new(),
            n => format!("{} ended", audit_text::sessions(n as u64)),
        };
        revoked(&mut tx, project_id, &ended, at).await?;
        let event = NewEvent::new(project_id, EventType::PasswordChanged, views::user_and_email(user_id, &email), at);
        let record =
            AuditRecord::new(project_id, AuditAction::EndUserPasswordChanged, by, (user_id, &email), detail, at);
        audit::record(&mut tx, record.with(event.prepare())).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn record_activity(&self, days: &[ActivityDay]) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        for day in days {
            sqlx::query(queries::end_users::COUNT_ACTIVITY)
                .bind(&day.project_id)
                .bind(&day.day)
                .bind(day.sign_ins)
                .bind(day.sign_ups)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn activity(&self, project_id: &str, since: &str) -> Result<Vec<ActivityDay>, StoreError> {
        Ok(sqlx::query_as::<_, ActivityDay>(queries::end_users::ACTIVITY)
            .bind(project_id)
            .bind(since)
            .fetch_all(&self.pool)
            .await?)
    }

    async fn verify_email(
        &self,
        project_id: &str,
        token_hash: &str,
        now: OffsetDateTime,
        by: &Actor,
    ) -> Result<Option<EndUser>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let Some((token, user_id)) = spend(&mut tx, project_id, token_hash, MailKind::UserVerify, now).await? else {
            return Ok(None);
        };
        let verified = mark_verified(&mut tx, project_id, &user_id, &token.email, now).await?;
        let detail = (verified == 1).then(|| (AuditAction::EndUserUpdated, "email verified by mail".to_string()));
        let event = (verified == 1).then_some(EventType::EmailVerified);
        finish(tx, project_id, &user_id, &token.email, (detail, event, &[]), now, by).await
    }

    async fn reset_password(
        &self,
        project_id: &str,
        token_hash: &str,
        password_hash: &str,
        now: OffsetDateTime,
        by: &Actor,
    ) -> Result<Option<EndUser>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let Some((token, user_id)) = spend(&mut tx, project_id, token_hash, MailKind::UserReset, now).await? else {
            return Ok(None);
        };
        let changed = sqlx::query(queries::end_users::SET_PASSWORD)
            .bind(project_id)
            .bind(&user_id)
            .bind(password_hash)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        if changed.rows_affected() == 0 {
            return Ok(None);
        }
        let ended = end_of_user_on(&mut tx, project_id, &user_id, None).await?;
        sqlx::query(queries::mail::RETIRE_TOKENS)
            .bind(&user_id)
            .bind(MailKind::UserReset.as_str())
            .bind(now)
            .execute(&mut *tx)
            .await?;
        // The link reached their mailbox: the address is theirs.
        mark_verified(&mut tx, project_id, &user_id, &token.email, now).await?;
        let detail = format!("reset by mail; {} ended", audit_text::sessions(ended.len() as u64));
        let detail = Some((AuditAction::EndUserPasswordChanged, detail));
        finish(tx, project_id, &user_id, &token.email, (detail, Some(EventType::PasswordReset), &ended), now, by).await
    }
}

type Tx<'c> = sqlx::Transaction<'c, <Conn as sqlx::Connection>::Database>;

/// Spends a link token of this project's user, after the project's write
/// lock: the token and its user's id, or `None` for a token that is
/// unknown, used, expired, of another purpose or of another project (which
/// stays unused).
async fn spend(
    tx: &mut Conn,
    project_id: &str,
    token_hash: &str,
    purpose: MailKind,
    now: OffsetDateTime,
) -> Result<Option<(MailTokenRecord, String)>, StoreError> {
    projects::lock(tx, project_id).await?;
    let token = sqlx::query_as::<_, MailTokenRecord>(queries::mail::TOKEN_BY_HASH)
        .bind(token_hash)
        .fetch_optional(&mut *tx)
        .await?;
    if token.as_ref().and_then(|t| t.project_id.as_deref()) != Some(project_id) {
        return Ok(None);
    }
    Ok(mail::use_token(tx, token_hash, purpose, now).await?.map(|token| {
        let user_id = token.subject_id.clone();
        (token, user_id)
    }))
}

/// Marks the user's address verified, if it is still `email`; how many rows.
async fn mark_verified(
    tx: &mut Conn,
    project_id: &str,
    user_id: &str,
    email: &str,
    now: OffsetDateTime,
) -> Result<u64, StoreError> {
    let verified = sqlx::query(queries::end_users::END_USER_VERIFIED)
        .bind(project_id)
        .bind(user_id)
        .bind(email)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    Ok(verified.rows_affected())
}

/// What a mail link did: its audit record, its event, the sessions it ended.
type Done<'a> = (Option<(AuditAction, String)>, Option<EventType>, &'a [EndUserSession]);

/// Reads the user back (`None` when their address changed since the mail),
/// records what was done and tells the app, commits.
async fn finish(
    mut tx: Tx<'_>,
    project_id: &str,
    user_id: &str,
    email: &str,
    (done, event, ended): Done<'_>,
    now: OffsetDateTime,
    by: &Actor,
) -> Result<Option<EndUser>, StoreError> {
    let user = sqlx::query_as::<_, EndUser>(&queries::end_users::user_by_id())
        .bind(project_id)
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await?;
    let Some(user) = user.filter(|u| u.email == email) else {
        return Ok(None);
    };
    revoked(&mut tx, project_id, ended, now).await?;
    let event = event.map(|kind| NewEvent::new(project_id, kind, views::user_and_email(user_id, &user.email), now));
    match (done, event) {
        (Some((action, detail)), event) => {
            let record = AuditRecord::new(project_id, action, by, (user_id, &user.email), detail, now);
            let record = match event {
                Some(event) => record.with(event.prepare()),
                None => record,
            };
            audit::record(&mut tx, record).await?;
        }
        (None, Some(event)) => {
            events::emit(&mut tx, event).await?;
        }
        (None, None) => {}
    }
    tx.commit().await?;
    Ok(Some(user))
}

/// The email of the project's user, read inside a change's transaction
/// for its audit record; `NotFound` for another project's user.
pub(super) async fn email_of(conn: &mut Conn, project_id: &str, user_id: &str) -> Result<String, StoreError> {
    let row: Option<(String,)> =
        sqlx::query_as(queries::end_users::EMAIL).bind(project_id).bind(user_id).fetch_optional(&mut *conn).await?;
    row.map(|(email,)| email).ok_or(StoreError::NotFound(Resource::User))
}
