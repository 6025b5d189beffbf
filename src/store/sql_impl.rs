//! The one `Store` implementation, compiled once per backend: `postgres.rs`
//! and `sqlite.rs` each include this file as a module (`#[path]`), with
//! `Backend` (the store type, whose `pool` is that backend's pool), `Conn`,
//! `LOCK_PROJECT`, `SET_LAST_PROJECT` and `watch_key_changes` defined beside
//! it. Why not a generic implementation over `sqlx::Database`: every query
//! would need bounds for each bound and decoded type on both drivers, which
//! buries the SQL under trait plumbing; why not a macro: rustfmt and the
//! compiler's messages both stop at a macro's body. This way both backends
//! run the same text and the same Rust, and both are plain code.
//!
//! Changed rows are read back on the transaction's own connection before it
//! commits, so a caller that got `Ok` got the committed row, and an `Err`
//! after a commit can only come from the commit itself.

use super::{watch_key_changes, Backend, Conn, BYTE_ORDER, LOCK_PROJECT, LOCK_SUBJECT, SET_LAST_PROJECT, SKIP_LOCKED};
use crate::actor::Actor;
use crate::domain::audit_text;
use crate::domain::rules::{keeps_an_owner, replacement_expiry};
use crate::domain::{
    ActorKind, ApiKey, AuditAction, AuditActor, AuditEvent, AuthSettings, Delivery, MailKind, Member, Membership,
    PendingInvitation, ProjectSummary, Role, User,
};
use crate::store::queries;
use crate::store::rows::*;
use crate::store::*;
use async_trait::async_trait;
use time::OffsetDateTime;

#[async_trait]
impl Store for Backend {
    async fn watch_key_changes(&self, changes: tokio::sync::mpsc::UnboundedSender<CacheChange>) {
        watch_key_changes(&self.pool, changes).await
    }

    fn sessions(&self) -> SessionBackend {
        self.sessions.clone()
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query(queries::health::PING).execute(&self.pool).await?;
        Ok(())
    }

    async fn insert_user(&self, user: &NewUser) -> Result<User, StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(queries::users::INSERT)
            .bind(&user.id)
            .bind(&user.name)
            .bind(&user.email)
            .bind(&user.password_hash)
            .bind(user.created_at)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::unique("email"))?;
        if let Some(mail) = &user.mail {
            Self::queue(&mut tx, mail).await?;
        }
        tx.commit().await?;
        Ok(User { id: user.id.clone(), name: user.name.clone(), email: user.email.clone() })
    }

    async fn user_by_id(&self, id: &str) -> Result<Option<User>, StoreError> {
        let row = sqlx::query_as::<_, UserRow>(queries::users::BY_ID).bind(id).fetch_optional(&self.pool).await?;
        Ok(row.map(User::from))
    }

    async fn credentials_by_email(&self, email: &str) -> Result<Option<Credentials>, StoreError> {
        let row = sqlx::query_as::<_, CredentialsRow>(queries::users::CREDENTIALS_BY_EMAIL)
            .bind(email)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(Credentials::from))
    }

    async fn insert_project(&self, project: &NewProject) -> Result<Membership, StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(queries::projects::INSERT)
            .bind(&project.id)
            .bind(&project.name)
            .bind(&project.slug)
            .bind(project.created_at)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::unique("slug"))?;
        sqlx::query(queries::members::INSERT)
            .bind(&project.id)
            .bind(&project.owner_id)
            .bind(Role::Owner.as_str())
            .bind(project.created_at)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Membership {
            project_id: project.id.clone(),
            name: project.name.clone(),
            slug: project.slug.clone(),
            role: Role::Owner,
        })
    }

    async fn memberships(&self, user_id: &str) -> Result<Vec<Membership>, StoreError> {
        sqlx::query_as::<_, MembershipRow>(queries::members::MEMBERSHIPS)
            .bind(user_id)
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(Membership::try_from)
            .collect()
    }

    async fn membership(&self, user_id: &str, slug: &str) -> Result<Option<Membership>, StoreError> {
        sqlx::query_as::<_, MembershipRow>(queries::members::MEMBERSHIP)
            .bind(user_id)
            .bind(slug)
            .fetch_optional(&self.pool)
            .await?
            .map(Membership::try_from)
            .transpose()
    }

    async fn project_summaries(&self, user_id: &str) -> Result<Vec<ProjectSummary>, StoreError> {
        sqlx::query_as::<_, SummaryRow>(queries::projects::SUMMARIES)
            .bind(user_id)
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(ProjectSummary::try_from)
            .collect()
    }

    async fn rename_project(&self, project_id: &str, name: &str, by: &Actor) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let (old, _) = Self::locked_project(&mut tx, project_id).await?;
        sqlx::query(queries::projects::RENAME).bind(project_id).bind(name).execute(&mut *tx).await?;
        let detail = audit_text::change(&old, name);
        Self::record(
            &mut tx,
            AuditRecord::new(
                project_id,
                AuditAction::ProjectRenamed,
                by,
                (project_id, name),
                detail,
                OffsetDateTime::now_utc(),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn change_slug(&self, project_id: &str, slug: &str, by: &Actor) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let (name, old) = Self::locked_project(&mut tx, project_id).await?;
        sqlx::query(queries::projects::CHANGE_SLUG)
            .bind(project_id)
            .bind(slug)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::unique("slug"))?;
        let detail = audit_text::change(&old, slug);
        Self::record(
            &mut tx,
            AuditRecord::new(
                project_id,
                AuditAction::ProjectUrlChanged,
                by,
                (project_id, &name),
                detail,
                OffsetDateTime::now_utc(),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn delete_project(&self, project_id: &str, by: &Actor) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let (name, slug) = Self::locked_project(&mut tx, project_id).await?;
        sqlx::query(queries::projects::DELETE).bind(project_id).execute(&mut *tx).await?;
        Self::record(
            &mut tx,
            AuditRecord::new(
                project_id,
                AuditAction::ProjectDeleted,
                by,
                (project_id, &name),
                slug,
                OffsetDateTime::now_utc(),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn find_project(&self, slug_or_id: &str) -> Result<Option<ProjectRef>, StoreError> {
        Ok(sqlx::query_as(queries::projects::FIND).bind(slug_or_id).fetch_optional(&self.pool).await?)
    }

    async fn set_last_project(&self, user_id: &str, project_id: &str) -> Result<(), StoreError> {
        sqlx::query(SET_LAST_PROJECT).bind(user_id).bind(project_id).execute(&self.pool).await?;
        Ok(())
    }

    async fn last_project(&self, user_id: &str) -> Result<Option<String>, StoreError> {
        let row: Option<(Option<String>,)> =
            sqlx::query_as(queries::users::LAST_PROJECT).bind(user_id).fetch_optional(&self.pool).await?;
        Ok(row.and_then(|(id,)| id))
    }

    async fn members(&self, project_id: &str) -> Result<Vec<Member>, StoreError> {
        sqlx::query_as::<_, MemberRow>(queries::members::LIST)
            .bind(project_id)
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(Member::try_from)
            .collect()
    }

    async fn change_role(&self, project_id: &str, user_id: &str, role: Role, by: &Actor) -> Result<(), StoreError> {
        self.change_membership(project_id, user_id, Some(role), by).await
    }

    async fn remove_member(&self, project_id: &str, user_id: &str, by: &Actor) -> Result<(), StoreError> {
        self.change_membership(project_id, user_id, None, by).await
    }

    async fn insert_invitation(&self, invitation: &NewInvitation, by: &Actor) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(queries::invitations::INSERT)
            .bind(&invitation.id)
            .bind(&invitation.project_id)
            .bind(&invitation.email)
            .bind(invitation.role.as_str())
            .bind(&invitation.token_hash)
            .bind(&invitation.invited_by)
            .bind(invitation.created_at)
            .bind(invitation.expires_at)
            .execute(&mut *tx)
            .await?;
        if let Some(mail) = &invitation.mail {
            Self::queue(&mut tx, mail).await?;
        }
        Self::record(
            &mut tx,
            AuditRecord::new(
                &invitation.project_id,
                AuditAction::InvitationCreated,
                by,
                (&invitation.id, &invitation.email),
                audit_text::as_role(invitation.role),
                invitation.created_at,
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn pending_invitations(
        &self,
        project_id: &str,
        now: OffsetDateTime,
    ) -> Result<Vec<PendingInvitation>, StoreError> {
        sqlx::query_as::<_, PendingRow>(queries::invitations::PENDING)
            .bind(project_id)
            .bind(now)
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(PendingInvitation::try_from)
            .collect()
    }

    async fn revoke_invitation(
        &self,
        project_id: &str,
        id: &str,
        now: OffsetDateTime,
        by: &Actor,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let revoked: Option<(String, String)> = sqlx::query_as(queries::invitations::REVOKE)
            .bind(project_id)
            .bind(id)
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?;
        let (email, role) = revoked.ok_or(StoreError::NotFound)?;
        Self::retire_links(&mut tx, id).await?;
        Self::record(
            &mut tx,
            AuditRecord::new(
                project_id,
                AuditAction::InvitationRevoked,
                by,
                (id, &email),
                audit_text::as_role(role_column(&role)?),
                now,
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn invitation_by_token(&self, token_hash: &str) -> Result<Option<InvitationRecord>, StoreError> {
        sqlx::query_as::<_, InvitationRow>(queries::invitations::BY_TOKEN)
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?
            .map(InvitationRecord::try_from)
            .transpose()
    }

    async fn accept_invitation(&self, id: &str, by: &Actor, now: OffsetDateTime) -> Result<(), StoreError> {
        let user_id = by.id.as_str();
        let mut tx = self.pool.begin().await?;
        let claimed: Option<(String, String, String)> = sqlx::query_as(queries::invitations::CLAIM)
            .bind(id)
            .bind(user_id)
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?;
        let (project_id, role, email) = claimed.ok_or(StoreError::NotFound)?;
        Self::retire_links(&mut tx, id).await?;
        // Already a member: keep the role they have.
        sqlx::query(queries::members::INSERT_UNLESS_MEMBER)
            .bind(&project_id)
            .bind(user_id)
            .bind(&role)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        Self::record(
            &mut tx,
            AuditRecord::new(
                &project_id,
                AuditAction::InvitationAccepted,
                by,
                (id, &email),
                format!("joined {}", audit_text::as_role(role_column(&role)?)),
                now,
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn insert_key(&self, key: &NewKey, by: &Actor) -> Result<ApiKey, StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(queries::keys::INSERT)
            .bind(&key.id)
            .bind(&key.project_id)
            .bind(&key.name)
            .bind(&key.prefix)
            .bind(&key.last4)
            .bind(&key.key_hash)
            .bind(&key.permissions)
            .bind(&key.created_by)
            .bind(key.created_at)
            .bind(key.expires_at)
            .bind(None::<String>)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::unique("name"))?;
        Self::record(
            &mut tx,
            AuditRecord::new(
                &key.project_id,
                AuditAction::KeyCreated,
                by,
                (&key.id, &key.name),
                audit_text::expiry(key.expires_at),
                key.created_at,
            ),
        )
        .await?;
        let created = Self::key_on(&mut tx, &key.project_id, &key.id, key.created_at).await?;
        tx.commit().await?;
        Ok(created)
    }

    async fn list_keys(
        &self,
        project_id: &str,
        query: &KeyQuery,
        now: OffsetDateTime,
    ) -> Result<Vec<ApiKey>, StoreError> {
        let sql = queries::keys::page(query);
        let mut select = sqlx::query_as::<_, KeyRow>(&sql).bind(project_id);
        if let Some(search) = &query.search {
            select = select.bind(queries::keys::like_pattern(search));
        }
        if let Some(after) = &query.after {
            select = select.bind(after.as_str());
        }
        let rows = select.fetch_all(&self.pool).await?;
        Ok(rows.into_iter().map(|row| row.into_key(now)).collect())
    }

    async fn rename_key(&self, project_id: &str, key_id: &str, name: &str, by: &Actor) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        Self::locked_project(&mut tx, project_id).await?;
        let old: Option<(String,)> =
            sqlx::query_as(queries::keys::ACTIVE_NAME).bind(project_id).bind(key_id).fetch_optional(&mut *tx).await?;
        let (old,) = old.ok_or(StoreError::NotFound)?;
        sqlx::query(queries::keys::RENAME)
            .bind(key_id)
            .bind(name)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::unique("name"))?;
        Self::record(
            &mut tx,
            AuditRecord::new(
                project_id,
                AuditAction::KeyRenamed,
                by,
                (key_id, name),
                audit_text::change(&old, name),
                OffsetDateTime::now_utc(),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn count_active_keys(&self, project_id: &str, now: OffsetDateTime) -> Result<i64, StoreError> {
        let (count,): (i64,) =
            sqlx::query_as(queries::keys::COUNT_ACTIVE).bind(project_id).bind(now).fetch_one(&self.pool).await?;
        Ok(count)
    }

    async fn count_expiring_keys(
        &self,
        project_id: &str,
        now: OffsetDateTime,
        by: OffsetDateTime,
    ) -> Result<i64, StoreError> {
        let (count,): (i64,) = sqlx::query_as(queries::keys::COUNT_EXPIRING)
            .bind(project_id)
            .bind(now)
            .bind(by)
            .fetch_one(&self.pool)
            .await?;
        Ok(count)
    }

    async fn key(&self, project_id: &str, key_id: &str, now: OffsetDateTime) -> Result<ApiKey, StoreError> {
        let mut conn = self.pool.acquire().await?;
        Self::key_on(&mut conn, project_id, key_id, now).await
    }

    async fn key_by_hash(&self, key_hash: &str) -> Result<Option<KeyRecord>, StoreError> {
        Ok(sqlx::query_as::<_, KeyRecord>(queries::keys::BY_HASH).bind(key_hash).fetch_optional(&self.pool).await?)
    }

    async fn record_key_use(&self, uses: &[KeyUse]) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        for key in uses {
            sqlx::query(queries::keys::RECORD_USE).bind(&key.key_id).bind(key.last_used).execute(&mut *tx).await?;
            for (day, requests) in &key.days {
                sqlx::query(queries::keys::COUNT_REQUESTS)
                    .bind(&key.key_id)
                    .bind(day)
                    .bind(*requests)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    async fn key_usage(&self, key_ids: &[String], since: &str) -> Result<Vec<(String, String, i64)>, StoreError> {
        if key_ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = queries::keys::usage(key_ids.len());
        let mut select = sqlx::query_as::<_, (String, String, i64)>(&sql).bind(since);
        for id in key_ids {
            select = select.bind(id);
        }
        Ok(select.fetch_all(&self.pool).await?)
    }

    async fn revoke_key(
        &self,
        project_id: &str,
        key_id: &str,
        by: &Actor,
        now: OffsetDateTime,
    ) -> Result<ApiKey, StoreError> {
        let mut tx = self.pool.begin().await?;
        let revoked: Option<(String,)> = sqlx::query_as(queries::keys::REVOKE)
            .bind(project_id)
            .bind(key_id)
            .bind(now)
            .bind(&by.id)
            .fetch_optional(&mut *tx)
            .await?;
        let (name,) = revoked.ok_or(StoreError::NotFound)?;
        Self::record(
            &mut tx,
            AuditRecord::new(project_id, AuditAction::KeyRevoked, by, (key_id, &name), String::new(), now),
        )
        .await?;
        let revoked = Self::key_on(&mut tx, project_id, key_id, now).await?;
        tx.commit().await?;
        Ok(revoked)
    }

    async fn insert_session(&self, session: &NewSession, stale_before: OffsetDateTime) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(queries::sessions::DELETE_STALE)
            .bind(&session.user_id)
            .bind(stale_before)
            .execute(&mut *tx)
            .await?;
        sqlx::query(queries::sessions::INSERT)
            .bind(&session.id)
            .bind(&session.user_id)
            .bind(session.at)
            .bind(session.ip.as_deref())
            .bind(session.user_agent.as_deref())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn session_user(&self, session_id: &str) -> Result<Option<User>, StoreError> {
        let row =
            sqlx::query_as::<_, UserRow>(queries::sessions::USER).bind(session_id).fetch_optional(&self.pool).await?;
        Ok(row.map(User::from))
    }

    async fn touch_session(&self, session_id: &str, at: OffsetDateTime, ip: Option<&str>) -> Result<(), StoreError> {
        sqlx::query(queries::sessions::TOUCH).bind(session_id).bind(at).bind(ip).execute(&self.pool).await?;
        Ok(())
    }

    async fn user_sessions(&self, user_id: &str, seen_after: OffsetDateTime) -> Result<Vec<SessionRecord>, StoreError> {
        Ok(sqlx::query_as::<_, SessionRecord>(queries::sessions::LIST)
            .bind(user_id)
            .bind(seen_after)
            .fetch_all(&self.pool)
            .await?)
    }

    async fn sweep_sessions(
        &self,
        idle_before: OffsetDateTime,
        signed_in_before: OffsetDateTime,
    ) -> Result<u64, StoreError> {
        let swept =
            sqlx::query(queries::sessions::SWEEP).bind(idle_before).bind(signed_in_before).execute(&self.pool).await?;
        Ok(swept.rows_affected())
    }

    async fn forget_session(&self, session_id: &str) -> Result<(), StoreError> {
        sqlx::query(queries::sessions::DELETE).bind(session_id).execute(&self.pool).await?;
        Ok(())
    }

    async fn end_session(&self, user_id: &str, session_id: &str) -> Result<(), StoreError> {
        let done = sqlx::query(queries::sessions::END).bind(user_id).bind(session_id).execute(&self.pool).await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn end_other_sessions(&self, user_id: &str, keep: &str) -> Result<u64, StoreError> {
        let done = sqlx::query(queries::sessions::END_OTHERS).bind(user_id).bind(keep).execute(&self.pool).await?;
        Ok(done.rows_affected())
    }

    async fn change_password(&self, user_id: &str, password_hash: &str, keep: &str) -> Result<u64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let changed =
            sqlx::query(queries::users::SET_PASSWORD).bind(user_id).bind(password_hash).execute(&mut *tx).await?;
        if changed.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        let ended = sqlx::query(queries::sessions::END_OTHERS).bind(user_id).bind(keep).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(ended.rows_affected())
    }

    async fn roll_key(
        &self,
        project_id: &str,
        key_id: &str,
        new: &Replacement,
        by: &Actor,
    ) -> Result<(ApiKey, ApiKey), StoreError> {
        let now = new.created_at;
        let mut tx = self.pool.begin().await?;
        let claimed: Option<(String, String, OffsetDateTime, Option<OffsetDateTime>)> =
            sqlx::query_as(queries::keys::CLAIM_FOR_ROLL)
                .bind(project_id)
                .bind(key_id)
                .bind(&new.id)
                .bind(now)
                .fetch_optional(&mut *tx)
                .await?;
        let (name, permissions, created_at, expires_at) = claimed.ok_or(StoreError::NotFound)?;
        sqlx::query(queries::keys::SHORTEN).bind(key_id).bind(new.old_until).execute(&mut *tx).await?;
        let new_expiry = replacement_expiry(created_at, expires_at, now);
        sqlx::query(queries::keys::INSERT)
            .bind(&new.id)
            .bind(project_id)
            .bind(&name)
            .bind(&new.prefix)
            .bind(&new.last4)
            .bind(&new.key_hash)
            .bind(&permissions)
            .bind(&by.id)
            .bind(now)
            .bind(new_expiry)
            .bind(key_id)
            .execute(&mut *tx)
            .await?;
        Self::record(
            &mut tx,
            AuditRecord::new(
                project_id,
                AuditAction::KeyRolled,
                by,
                (key_id, &name),
                audit_text::rolled(&new.id, new.old_until, now),
                now,
            ),
        )
        .await?;
        Self::record(
            &mut tx,
            AuditRecord::new(
                project_id,
                AuditAction::KeyCreated,
                by,
                (&new.id, &name),
                audit_text::replaces(key_id, new_expiry),
                now,
            ),
        )
        .await?;
        let old = Self::key_on(&mut tx, project_id, key_id, now).await?;
        let replacement = Self::key_on(&mut tx, project_id, &new.id, now).await?;
        tx.commit().await?;
        Ok((old, replacement))
    }

    async fn audit_events(&self, project_id: &str, query: &AuditQuery) -> Result<Vec<AuditEvent>, StoreError> {
        let sql = queries::audit::page(query);
        let mut select = sqlx::query_as::<_, AuditRow>(&sql).bind(project_id);
        if let Some(action) = query.action {
            select = select.bind(action.as_str());
        }
        for text in [&query.actor_id, &query.target_id].into_iter().flatten() {
            select = select.bind(text.as_str());
        }
        if let Some(before) = query.before {
            select = select.bind(before);
        }
        select.fetch_all(&self.pool).await?.into_iter().map(AuditEvent::try_from).collect()
    }

    async fn audit_actors(&self, project_id: &str) -> Result<Vec<AuditActor>, StoreError> {
        sqlx::query_as::<_, AuditActorRow>(queries::audit::ACTORS)
            .bind(project_id)
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(AuditActor::try_from)
            .collect()
    }

    async fn insert_end_user(&self, user: &NewEndUser, by: &Actor) -> Result<EndUser, StoreError> {
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
            Self::queue(&mut tx, mail).await?;
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
        Self::record(
            &mut tx,
            AuditRecord::new(
                &user.project_id,
                AuditAction::EndUserCreated,
                by,
                (&user.id, &user.email),
                detail,
                user.at,
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(row)
    }

    async fn end_user(&self, project_id: &str, user_id: &str) -> Result<Option<EndUser>, StoreError> {
        Ok(sqlx::query_as::<_, EndUser>(&queries::end_users::user_by_id())
            .bind(project_id)
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn end_user_credentials(
        &self,
        project_id: &str,
        email: &str,
    ) -> Result<Option<EndUserCredentials>, StoreError> {
        let row = sqlx::query_as::<_, EndUserCredentialsRow>(&queries::end_users::credentials())
            .bind(project_id)
            .bind(email)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| EndUserCredentials { user: r.user, password_hash: r.password_hash }))
    }

    async fn insert_end_user_session(&self, session: &NewEndUserSession) -> Result<EndUserSession, StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(queries::end_users::INSERT_SESSION)
            .bind(&session.id)
            .bind(&session.project_id)
            .bind(&session.user_id)
            .bind(&session.token_hash)
            .bind(session.at)
            .bind(session.expires_at)
            .bind(session.ip.as_deref())
            .bind(session.user_agent.as_deref())
            .execute(&mut *tx)
            .await?;
        sqlx::query(queries::end_users::SIGNED_IN).bind(&session.user_id).bind(session.at).execute(&mut *tx).await?;
        let row = sqlx::query_as::<_, EndUserSession>(&queries::end_users::session_by_id())
            .bind(&session.id)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(row)
    }

    async fn end_user_session(
        &self,
        project_id: &str,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<EndUserSession>, StoreError> {
        Ok(sqlx::query_as::<_, EndUserSession>(&queries::end_users::session_by_token())
            .bind(token_hash)
            .bind(project_id)
            .bind(now)
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn extend_end_user_session(
        &self,
        session_id: &str,
        at: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        sqlx::query(queries::end_users::EXTEND_SESSION)
            .bind(session_id)
            .bind(at)
            .bind(expires_at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn delete_end_user_session(&self, project_id: &str, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query(queries::end_users::DELETE_SESSION).bind(token_hash).bind(project_id).execute(&self.pool).await?;
        Ok(())
    }

    async fn list_end_users(
        &self,
        project_id: &str,
        search: Option<&str>,
        limit: u32,
        offset: u32,
    ) -> Result<(Vec<EndUser>, i64), StoreError> {
        let pattern = search.map_or_else(|| "%".to_string(), queries::keys::like_pattern);
        let users = sqlx::query_as::<_, EndUser>(&queries::end_users::page(limit, offset))
            .bind(project_id)
            .bind(&pattern)
            .fetch_all(&self.pool)
            .await?;
        let (total,): (i64,) =
            sqlx::query_as(queries::end_users::COUNT).bind(project_id).bind(&pattern).fetch_one(&self.pool).await?;
        Ok((users, total))
    }

    async fn delete_end_user(&self, project_id: &str, user_id: &str, by: &Actor) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        // The write lock first: on SQLite a read before it can lose the lock to a writer.
        sqlx::query(LOCK_PROJECT).bind(project_id).execute(&mut *tx).await?;
        let email = Self::end_user_email(&mut tx, project_id, user_id).await?;
        let deleted =
            sqlx::query(queries::end_users::DELETE_USER).bind(project_id).bind(user_id).execute(&mut *tx).await?;
        Self::retire_links(&mut tx, user_id).await?;
        found(deleted.rows_affected())?;
        let record = AuditRecord::new(
            project_id,
            AuditAction::EndUserDeleted,
            by,
            (user_id, &email),
            String::new(),
            OffsetDateTime::now_utc(),
        );
        Self::record(&mut tx, record).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn end_users_after(
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

    async fn set_end_user_ban(
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
        found(changed.rows_affected())?;
        if ban.banned {
            sqlx::query(queries::end_users::DELETE_SESSIONS_OF_USER)
                .bind(project_id)
                .bind(user_id)
                .bind(None::<&str>)
                .execute(&mut *tx)
                .await?;
        }
        let user = sqlx::query_as::<_, EndUser>(&queries::end_users::user_by_id())
            .bind(project_id)
            .bind(user_id)
            .fetch_one(&mut *tx)
            .await?;
        let (action, detail) = match ban.banned {
            true => (AuditAction::EndUserBanned, audit_text::ban(ban.reason.as_deref(), ban.expires)),
            false => (AuditAction::EndUserUnbanned, String::new()),
        };
        Self::record(&mut tx, AuditRecord::new(project_id, action, by, (user_id, &user.email), detail, ban.at)).await?;
        tx.commit().await?;
        Ok(user)
    }

    async fn end_project_session(&self, project_id: &str, session_id: &str, by: &Actor) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        // The write lock first: on SQLite a read before it can lose the lock to a writer.
        sqlx::query(LOCK_PROJECT).bind(project_id).execute(&mut *tx).await?;
        let owner: Option<(String, String)> = sqlx::query_as(queries::end_users::SESSION_OWNER)
            .bind(project_id)
            .bind(session_id)
            .fetch_optional(&mut *tx)
            .await?;
        let (user_id, email) = owner.ok_or(StoreError::NotFound)?;
        let ended = sqlx::query(queries::end_users::DELETE_PROJECT_SESSION)
            .bind(project_id)
            .bind(session_id)
            .execute(&mut *tx)
            .await?;
        found(ended.rows_affected())?;
        Self::record_sessions_ended(&mut tx, project_id, by, (&user_id, &email), 1).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn change_end_user(
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
        found(changed.rows_affected())?;
        let user = sqlx::query_as::<_, EndUser>(&queries::end_users::user_by_id())
            .bind(project_id)
            .bind(user_id)
            .fetch_one(&mut *tx)
            .await?;
        let detail = audit_text::fields(&changes.fields());
        Self::record(
            &mut tx,
            AuditRecord::new(project_id, AuditAction::EndUserUpdated, by, (user_id, &user.email), detail, at),
        )
        .await?;
        tx.commit().await?;
        Ok(user)
    }

    async fn set_end_user_password(
        &self,
        project_id: &str,
        user_id: &str,
        password_hash: &str,
        keep: Option<&str>,
        at: OffsetDateTime,
        by: &Actor,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        // The write lock first: on SQLite a read before it can lose the lock to a writer.
        sqlx::query(LOCK_PROJECT).bind(project_id).execute(&mut *tx).await?;
        let email = Self::end_user_email(&mut tx, project_id, user_id).await?;
        let changed = sqlx::query(queries::end_users::SET_PASSWORD)
            .bind(project_id)
            .bind(user_id)
            .bind(password_hash)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        found(changed.rows_affected())?;
        let ended = sqlx::query(queries::end_users::DELETE_SESSIONS_OF_USER)
            .bind(project_id)
            .bind(user_id)
            .bind(keep)
            .execute(&mut *tx)
            .await?;
        let detail = match ended.rows_affected() {
            0 => String::new(),
            n => format!("{} ended", audit_text::sessions(n)),
        };
        let record =
            AuditRecord::new(project_id, AuditAction::EndUserPasswordChanged, by, (user_id, &email), detail, at);
        Self::record(&mut tx, record).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn end_user_sessions(
        &self,
        project_id: &str,
        user_id: &str,
        now: OffsetDateTime,
    ) -> Result<Vec<EndUserSession>, StoreError> {
        Ok(sqlx::query_as::<_, EndUserSession>(&queries::end_users::sessions_of_user())
            .bind(project_id)
            .bind(user_id)
            .bind(now)
            .fetch_all(&self.pool)
            .await?)
    }

    async fn end_end_user_session(
        &self,
        project_id: &str,
        user_id: &str,
        session_id: &str,
        by: &Actor,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        // The write lock first: on SQLite a read before it can lose the lock to a writer.
        sqlx::query(LOCK_PROJECT).bind(project_id).execute(&mut *tx).await?;
        let email = Self::end_user_email(&mut tx, project_id, user_id).await?;
        let ended = sqlx::query(queries::end_users::DELETE_SESSION_BY_ID)
            .bind(project_id)
            .bind(user_id)
            .bind(session_id)
            .execute(&mut *tx)
            .await?;
        found(ended.rows_affected())?;
        Self::record_sessions_ended(&mut tx, project_id, by, (user_id, &email), 1).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn end_end_user_sessions(
        &self,
        project_id: &str,
        user_id: &str,
        keep: Option<&str>,
        by: &Actor,
    ) -> Result<u64, StoreError> {
        let mut tx = self.pool.begin().await?;
        // The write lock first: on SQLite a read before it can lose the lock to a writer.
        sqlx::query(LOCK_PROJECT).bind(project_id).execute(&mut *tx).await?;
        let email = Self::end_user_email(&mut tx, project_id, user_id).await?;
        let ended = sqlx::query(queries::end_users::DELETE_SESSIONS_OF_USER)
            .bind(project_id)
            .bind(user_id)
            .bind(keep)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if ended > 0 {
            Self::record_sessions_ended(&mut tx, project_id, by, (user_id, &email), ended).await?;
        }
        tx.commit().await?;
        Ok(ended)
    }

    async fn sweep_end_user_sessions(&self, now: OffsetDateTime) -> Result<u64, StoreError> {
        let swept = sqlx::query(queries::end_users::SWEEP_SESSIONS).bind(now).execute(&self.pool).await?;
        Ok(swept.rows_affected())
    }

    async fn auth_settings(&self, project_id: &str) -> Result<AuthSettings, StoreError> {
        let row = sqlx::query_as::<_, AuthColumns>(queries::projects::AUTH_SETTINGS)
            .bind(project_id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        row.try_into()
    }

    async fn set_auth_settings(&self, project_id: &str, settings: &AuthSettings, by: &Actor) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let (name, _) = Self::locked_project(&mut tx, project_id).await?;
        let before: AuthSettings = sqlx::query_as::<_, AuthColumns>(queries::projects::AUTH_SETTINGS)
            .bind(project_id)
            .fetch_one(&mut *tx)
            .await?
            .try_into()?;
        let origins =
            serde_json::to_string(&settings.allowed_origins).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        sqlx::query(queries::projects::SET_AUTH_SETTINGS)
            .bind(project_id)
            .bind(settings.sign_ups_open)
            .bind(i64::from(settings.password_min))
            .bind(settings.require_email_verification)
            .bind(i64::from(settings.session_days))
            .bind(origins)
            .bind(settings.mail_sender_name.as_deref())
            .bind(settings.mail_link_origin.as_deref())
            .bind(i64::from(settings.sign_ups_per_hour))
            .execute(&mut *tx)
            .await?;
        let detail = audit_text::settings_change(&before, settings);
        let record = AuditRecord::new(
            project_id,
            AuditAction::ProjectAuthSettingsChanged,
            by,
            (project_id, &name),
            detail,
            OffsetDateTime::now_utc(),
        );
        Self::record(&mut tx, record).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn record_end_user_activity(&self, days: &[ActivityDay]) -> Result<(), StoreError> {
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

    async fn end_user_activity(&self, project_id: &str, since: &str) -> Result<Vec<ActivityDay>, StoreError> {
        Ok(sqlx::query_as::<_, ActivityDay>(queries::end_users::ACTIVITY)
            .bind(project_id)
            .bind(since)
            .fetch_all(&self.pool)
            .await?)
    }

    async fn jwt_keys(&self, project_id: &str, since: OffsetDateTime) -> Result<Vec<JwtKey>, StoreError> {
        let keys: Vec<JwtKey> =
            sqlx::query_as(queries::jwt_keys::PUBLISHED).bind(project_id).bind(since).fetch_all(&self.pool).await?;
        if keys.is_empty() {
            let exists = sqlx::query(queries::projects::NAME_AND_SLUG).bind(project_id).fetch_optional(&self.pool);
            exists.await?.ok_or(StoreError::NotFound)?;
        }
        Ok(keys)
    }

    async fn add_jwt_key(&self, project_id: &str, key: &JwtKey, replace: bool, keep: u32) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        // The write lock first (it also serialises two instances' first keys).
        found(sqlx::query(LOCK_PROJECT).bind(project_id).execute(&mut *tx).await?.rows_affected())?;
        if replace {
            sqlx::query(queries::jwt_keys::RETIRE_CURRENT)
                .bind(project_id)
                .bind(key.created_at)
                .execute(&mut *tx)
                .await?;
        } else {
            let (current,): (i64,) =
                sqlx::query_as(queries::jwt_keys::HAS_CURRENT).bind(project_id).fetch_one(&mut *tx).await?;
            if current > 0 {
                return Ok(());
            }
        }
        sqlx::query(queries::jwt_keys::INSERT)
            .bind(&key.kid)
            .bind(project_id)
            .bind(&key.private_pem)
            .bind(key.created_at)
            .execute(&mut *tx)
            .await?;
        sqlx::query(queries::jwt_keys::PRUNE).bind(project_id).bind(i64::from(keep)).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn queue_mail(&self, mail: &QueuedMail) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        Self::queue(&mut tx, mail).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn queue_mail_limited(
        &self,
        mail: &QueuedMail,
        most: i64,
        since: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let Some(token) = &mail.token else {
            return Err(StoreError::Corrupt("a limited mail needs its token".into()));
        };
        let mut tx = self.pool.begin().await?;
        sqlx::query(LOCK_SUBJECT).bind(&token.subject_id).execute(&mut *tx).await?;
        let (count,): (i64,) = sqlx::query_as(queries::mail::COUNT_RECENT_TOKENS)
            .bind(&token.subject_id)
            .bind(token.purpose.as_str())
            .bind(since)
            .fetch_one(&mut *tx)
            .await?;
        if count >= most {
            return Ok(false);
        }
        Self::queue(&mut tx, mail).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn claim_mail(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<ClaimedMail>, StoreError> {
        Ok(sqlx::query_as::<_, ClaimedMail>(&queries::mail::claim(SKIP_LOCKED))
            .bind(now)
            .bind(lease_until)
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?)
    }

    async fn arm_mail_token(&self, token_id: &str, token_hash: &str, now: OffsetDateTime) -> Result<bool, StoreError> {
        let armed =
            sqlx::query(queries::mail::ARM_TOKEN).bind(token_id).bind(token_hash).bind(now).execute(&self.pool).await?;
        Ok(armed.rows_affected() == 1)
    }

    async fn finish_mail(
        &self,
        id: &str,
        attempt: i64,
        outcome: &MailOutcome,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        match outcome {
            MailOutcome::Sent => sqlx::query(queries::mail::SENT).bind(id).bind(attempt).bind(at),
            MailOutcome::Retry(next, error) => {
                sqlx::query(queries::mail::RETRY).bind(id).bind(attempt).bind(*next).bind(error)
            }
            MailOutcome::Failed(error) => sqlx::query(queries::mail::FAILED).bind(id).bind(attempt).bind(error),
        }
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn sweep_mail(&self, before: OffsetDateTime) -> Result<u64, StoreError> {
        let tokens = sqlx::query(queries::mail::SWEEP_TOKENS).bind(before).execute(&self.pool).await?;
        let mail = sqlx::query(queries::mail::SWEEP_MAIL).bind(before).execute(&self.pool).await?;
        Ok(tokens.rows_affected() + mail.rows_affected())
    }

    async fn insert_mail_token(&self, token: &NewMailToken) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        Self::insert_token(&mut tx, token).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn recent_mail(&self, project_id: &str, limit: u32) -> Result<Vec<Delivery>, StoreError> {
        sqlx::query_as::<_, DeliveryRow>(queries::mail::RECENT)
            .bind(project_id)
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(Delivery::try_from)
            .collect()
    }

    async fn mail_token(&self, token_hash: &str) -> Result<Option<MailTokenRecord>, StoreError> {
        Ok(sqlx::query_as::<_, MailTokenRecord>(queries::mail::TOKEN_BY_HASH)
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn count_mail_tokens(
        &self,
        subject_id: &str,
        purpose: MailKind,
        since: OffsetDateTime,
    ) -> Result<i64, StoreError> {
        let (count,): (i64,) = sqlx::query_as(queries::mail::COUNT_RECENT_TOKENS)
            .bind(subject_id)
            .bind(purpose.as_str())
            .bind(since)
            .fetch_one(&self.pool)
            .await?;
        Ok(count)
    }

    async fn account_by_email(&self, email: &str) -> Result<Option<User>, StoreError> {
        let row = sqlx::query_as::<_, UserRow>(queries::mail::ACCOUNT_BY_EMAIL)
            .bind(email)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(User::from))
    }

    async fn account_verified(&self, user_id: &str) -> Result<bool, StoreError> {
        let row: Option<(bool,)> =
            sqlx::query_as(queries::mail::IS_ACCOUNT_VERIFIED).bind(user_id).fetch_optional(&self.pool).await?;
        Ok(row.is_some_and(|(verified,)| verified))
    }

    async fn reset_account_password(
        &self,
        token_hash: &str,
        password_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<User>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let Some(token) = Self::use_token(&mut tx, token_hash, MailKind::AccountReset, now).await? else {
            return Ok(None);
        };
        let changed = sqlx::query(queries::users::SET_PASSWORD)
            .bind(&token.subject_id)
            .bind(password_hash)
            .execute(&mut *tx)
            .await?;
        if changed.rows_affected() == 0 {
            return Ok(None);
        }
        // Every session ends: whoever knew the old password is signed out.
        sqlx::query(queries::sessions::END_OTHERS).bind(&token.subject_id).bind("").execute(&mut *tx).await?;
        sqlx::query(queries::mail::RETIRE_TOKENS)
            .bind(&token.subject_id)
            .bind(MailKind::AccountReset.as_str())
            .bind(now)
            .execute(&mut *tx)
            .await?;
        // The link came to their mailbox: that proves the address too.
        sqlx::query(queries::mail::ACCOUNT_VERIFIED)
            .bind(&token.subject_id)
            .bind(now)
            .bind(&token.email)
            .execute(&mut *tx)
            .await?;
        let user =
            sqlx::query_as::<_, UserRow>(queries::users::BY_ID).bind(&token.subject_id).fetch_one(&mut *tx).await?;
        tx.commit().await?;
        Ok(Some(user.into()))
    }

    async fn verify_account_email(&self, token_hash: &str, now: OffsetDateTime) -> Result<Option<User>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let Some(token) = Self::use_token(&mut tx, token_hash, MailKind::AccountVerify, now).await? else {
            return Ok(None);
        };
        sqlx::query(queries::mail::ACCOUNT_VERIFIED)
            .bind(&token.subject_id)
            .bind(now)
            .bind(&token.email)
            .execute(&mut *tx)
            .await?;
        let user = sqlx::query_as::<_, UserRow>(queries::users::BY_ID)
            .bind(&token.subject_id)
            .fetch_optional(&mut *tx)
            .await?;
        // Verified or not (the address changed since), the link is spent.
        tx.commit().await?;
        Ok(user.filter(|u| u.email.eq_ignore_ascii_case(&token.email)).map(User::from))
    }

    async fn use_end_user_token(
        &self,
        project_id: &str,
        purpose: MailKind,
        token_hash: &str,
        password_hash: Option<&str>,
        now: OffsetDateTime,
        by: &Actor,
    ) -> Result<Option<EndUser>, StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(LOCK_PROJECT).bind(project_id).execute(&mut *tx).await?;
        let token = sqlx::query_as::<_, MailTokenRecord>(queries::mail::TOKEN_BY_HASH)
            .bind(token_hash)
            .fetch_optional(&mut *tx)
            .await?;
        // Another project's token is refused and stays unused.
        if token.as_ref().and_then(|t| t.project_id.as_deref()) != Some(project_id) {
            return Ok(None);
        }
        let Some(token) = Self::use_token(&mut tx, token_hash, purpose, now).await? else {
            return Ok(None);
        };
        let user_id = token.subject_id.as_str();
        let detail = match (purpose, password_hash) {
            (MailKind::UserReset, Some(hash)) => {
                let changed = sqlx::query(queries::end_users::SET_PASSWORD)
                    .bind(project_id)
                    .bind(user_id)
                    .bind(hash)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                if changed.rows_affected() == 0 {
                    return Ok(None);
                }
                let ended = sqlx::query(queries::end_users::DELETE_SESSIONS_OF_USER)
                    .bind(project_id)
                    .bind(user_id)
                    .bind(None::<&str>)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(queries::mail::RETIRE_TOKENS)
                    .bind(user_id)
                    .bind(MailKind::UserReset.as_str())
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                // The link reached their mailbox: the address is theirs.
                sqlx::query(queries::mail::END_USER_VERIFIED)
                    .bind(project_id)
                    .bind(user_id)
                    .bind(&token.email)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                Some((
                    AuditAction::EndUserPasswordChanged,
                    format!("reset by mail; {} ended", audit_text::sessions(ended.rows_affected())),
                ))
            }
            (MailKind::UserVerify, None) => {
                let verified = sqlx::query(queries::mail::END_USER_VERIFIED)
                    .bind(project_id)
                    .bind(user_id)
                    .bind(&token.email)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                (verified.rows_affected() == 1)
                    .then(|| (AuditAction::EndUserUpdated, "email verified by mail".to_string()))
            }
            _ => return Err(StoreError::Corrupt(format!("no use of a {} token with this input", purpose.as_str()))),
        };
        let user = sqlx::query_as::<_, EndUser>(&queries::end_users::user_by_id())
            .bind(project_id)
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(user) = user.filter(|u| u.email == token.email) else {
            return Ok(None);
        };
        if let Some((action, detail)) = detail {
            Self::record(&mut tx, AuditRecord::new(project_id, action, by, (user_id, &user.email), detail, now))
                .await?;
        }
        tx.commit().await?;
        Ok(Some(user))
    }

    async fn load_secret(&self, name: &str) -> Result<Option<String>, StoreError> {
        let row: Option<(String,)> =
            sqlx::query_as(queries::end_users::SECRET).bind(name).fetch_optional(&self.pool).await?;
        Ok(row.map(|(value,)| value))
    }

    async fn server_secret(&self, name: &str, candidate: &str) -> Result<String, StoreError> {
        sqlx::query(queries::end_users::INSERT_SECRET)
            .bind(name)
            .bind(candidate)
            .bind(OffsetDateTime::now_utc())
            .execute(&self.pool)
            .await?;
        let (value,): (String,) = sqlx::query_as(queries::end_users::SECRET).bind(name).fetch_one(&self.pool).await?;
        Ok(value)
    }
}

impl Backend {
    /// Changes (`Some`) or removes (`None`) a membership. `LOCK_PROJECT`
    /// runs first in the transaction, so two owners demoting each other
    /// cannot both succeed.
    async fn change_membership(
        &self,
        project_id: &str,
        user_id: &str,
        role: Option<Role>,
        by: &Actor,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(LOCK_PROJECT).bind(project_id).execute(&mut *tx).await?;
        let current: Option<(String, String)> = sqlx::query_as(queries::members::ROLE_AND_NAME)
            .bind(project_id)
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?;
        let (current, name) = current.ok_or(StoreError::NotFound)?;
        let current = role_column(&current)?;
        let (owners,): (i64,) =
            sqlx::query_as(queries::members::COUNT_OWNERS).bind(project_id).fetch_one(&mut *tx).await?;
        if !keeps_an_owner(current, role, owners) {
            return Err(StoreError::LastOwner);
        }
        match role {
            Some(role) => sqlx::query(queries::members::SET_ROLE).bind(project_id).bind(user_id).bind(role.as_str()),
            None => sqlx::query(queries::members::DELETE).bind(project_id).bind(user_id),
        }
        .execute(&mut *tx)
        .await?;
        let (action, detail) = match role {
            Some(role) => (AuditAction::MemberRoleChanged, audit_text::change(current.label(), role.label())),
            None => (AuditAction::MemberRemoved, audit_text::removed(current, by.id == user_id)),
        };
        Self::record(
            &mut tx,
            AuditRecord::new(project_id, action, by, (user_id, &name), detail, OffsetDateTime::now_utc()),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// One key of the project on `conn`: inside a change's transaction, the
    /// row as that change left it.
    async fn key_on(
        conn: &mut Conn,
        project_id: &str,
        key_id: &str,
        now: OffsetDateTime,
    ) -> Result<ApiKey, StoreError> {
        let row = sqlx::query_as::<_, KeyRow>(&queries::keys::by_id())
            .bind(project_id)
            .bind(key_id)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(row.into_key(now))
    }

    /// Takes the project's write lock first (see `change_membership`)
    /// and returns its name and slug; `NotFound` if it is gone.
    async fn locked_project(conn: &mut Conn, project_id: &str) -> Result<(String, String), StoreError> {
        sqlx::query(LOCK_PROJECT).bind(project_id).execute(&mut *conn).await?;
        let row: Option<(String, String)> =
            sqlx::query_as(queries::projects::NAME_AND_SLUG).bind(project_id).fetch_optional(&mut *conn).await?;
        row.ok_or(StoreError::NotFound)
    }

    /// The email of the project's user, read inside a change's transaction
    /// for its audit record; `NotFound` for another project's user.
    async fn end_user_email(conn: &mut Conn, project_id: &str, user_id: &str) -> Result<String, StoreError> {
        let row: Option<(String,)> =
            sqlx::query_as(queries::end_users::EMAIL).bind(project_id).bind(user_id).fetch_optional(&mut *conn).await?;
        row.map(|(email,)| email).ok_or(StoreError::NotFound)
    }

    async fn record_sessions_ended(
        conn: &mut Conn,
        project_id: &str,
        by: &Actor,
        user: (&str, &str),
        ended: u64,
    ) -> Result<(), StoreError> {
        let detail = audit_text::sessions(ended);
        let record = AuditRecord::new(
            project_id,
            AuditAction::EndUserSessionsRevoked,
            by,
            user,
            detail,
            OffsetDateTime::now_utc(),
        );
        Self::record(conn, record).await
    }

    /// Writes a mail (and its token) to the outbox on the change's own
    /// connection: it is sent if and only if the change commits.
    async fn queue(conn: &mut Conn, mail: &QueuedMail) -> Result<(), StoreError> {
        if let Some(token) = &mail.token {
            Self::insert_token(conn, token).await?;
        }
        sqlx::query(queries::mail::INSERT_MAIL)
            .bind(&mail.id)
            .bind(mail.project_id.as_deref())
            .bind(mail.kind.as_str())
            .bind(&mail.recipient)
            .bind(mail.token.as_ref().map(|t| t.id.as_str()))
            .bind(&mail.data)
            .bind(mail.created_at)
            .execute(&mut *conn)
            .await?;
        Ok(())
    }

    async fn insert_token(conn: &mut Conn, token: &NewMailToken) -> Result<(), StoreError> {
        sqlx::query(queries::mail::INSERT_TOKEN)
            .bind(&token.id)
            .bind(token.purpose.as_str())
            .bind(token.token_hash.as_deref())
            .bind(&token.subject_id)
            .bind(token.project_id.as_deref())
            .bind(&token.email)
            .bind(token.created_at)
            .bind(token.expires_at)
            .execute(&mut *conn)
            .await?;
        Ok(())
    }

    /// Every unused link for `subject_id` stops working (and its unsent mail
    /// is given up on when its turn comes).
    async fn retire_links(conn: &mut Conn, subject_id: &str) -> Result<(), StoreError> {
        let now = OffsetDateTime::now_utc();
        sqlx::query(queries::mail::RETIRE_SUBJECT).bind(subject_id).bind(now).execute(&mut *conn).await?;
        Ok(())
    }

    /// Spends a token of `purpose`: of two uses one wins; an unknown, used
    /// or expired token is `None`.
    async fn use_token(
        conn: &mut Conn,
        token_hash: &str,
        purpose: MailKind,
        now: OffsetDateTime,
    ) -> Result<Option<MailTokenRecord>, StoreError> {
        Ok(sqlx::query_as::<_, MailTokenRecord>(queries::mail::USE_TOKEN)
            .bind(token_hash)
            .bind(purpose.as_str())
            .bind(now)
            .fetch_optional(&mut *conn)
            .await?)
    }

    /// Writes an audit event on the change's own connection, so it
    /// commits or rolls back with the change.
    async fn record(conn: &mut Conn, event: AuditRecord<'_>) -> Result<(), StoreError> {
        sqlx::query(queries::audit::INSERT)
            .bind(event.project_id)
            .bind(event.action.as_str())
            .bind(event.actor.kind.as_str())
            .bind(&event.actor.id)
            .bind(&event.actor.name)
            .bind(event.target_id)
            .bind(event.target_name)
            .bind(&event.detail)
            .bind(event.actor.ip.as_deref())
            .bind(event.actor.user_agent.as_deref())
            .bind(event.at)
            .execute(&mut *conn)
            .await?;
        Ok(())
    }
}

/// `NotFound` when a statement that must touch a row touched none.
fn found(rows: u64) -> Result<(), StoreError> {
    match rows {
        0 => Err(StoreError::NotFound),
        _ => Ok(()),
    }
}
