//! The `Store` implementation both backends share. SQLite accepts `$N`
//! placeholders and the same SQL as PostgreSQL for everything here, so the
//! queries are written once; what differs (locking a project row, `IS
//! DISTINCT FROM`) comes in as arguments. Each backend invokes this with its
//! own store type, whose `pool` field is that backend's pool; `extra` holds
//! the trait methods only one backend implements.

macro_rules! sql_store {
    (
        $store:ident,
        conn: $conn:ty,
        lock_project: $lock_project:expr,
        set_last_project: $set_last_project:expr
        $(, extra: { $($extra:tt)* })? $(,)?
    ) => {
        #[async_trait]
        impl Store for $store {
            $($($extra)*)?

            fn sessions(&self) -> SessionBackend {
                self.sessions.clone()
            }

            async fn ping(&self) -> Result<(), StoreError> {
                sqlx::query("SELECT 1").execute(&self.pool).await?;
                Ok(())
            }

            async fn insert_user(&self, user: &NewUser) -> Result<User, StoreError> {
                sqlx::query("INSERT INTO users (id, name, email, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)")
                    .bind(&user.id)
                    .bind(&user.name)
                    .bind(&user.email)
                    .bind(&user.password_hash)
                    .bind(user.created_at)
                    .execute(&self.pool)
                    .await
                    .map_err(StoreError::unique("email"))?;
                Ok(User { id: user.id.clone(), name: user.name.clone(), email: user.email.clone() })
            }

            async fn user_by_id(&self, id: &str) -> Result<Option<User>, StoreError> {
                let row = sqlx::query_as::<_, UserRow>("SELECT id, name, email FROM users WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?;
                Ok(row.map(User::from))
            }

            async fn credentials_by_email(&self, email: &str) -> Result<Option<Credentials>, StoreError> {
                let row = sqlx::query_as::<_, CredentialsRow>(
                    "SELECT id, name, email, password_hash FROM users WHERE lower(email) = lower($1)",
                )
                .bind(email)
                .fetch_optional(&self.pool)
                .await?;
                Ok(row.map(Credentials::from))
            }

            async fn insert_project(&self, project: &NewProject) -> Result<Membership, StoreError> {
                let mut tx = self.pool.begin().await?;
                sqlx::query("INSERT INTO projects (id, name, slug, created_at) VALUES ($1, $2, $3, $4)")
                    .bind(&project.id)
                    .bind(&project.name)
                    .bind(&project.slug)
                    .bind(project.created_at)
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::unique("slug"))?;
                sqlx::query("INSERT INTO project_members (project_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)")
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
                sqlx::query_as::<_, MembershipRow>(
                    "SELECT p.id AS project_id, p.name, p.slug, m.role
                     FROM project_members m JOIN projects p ON p.id = m.project_id
                     WHERE m.user_id = $1
                     ORDER BY m.created_at, p.name",
                )
                .bind(user_id)
                .fetch_all(&self.pool)
                .await?
                .into_iter()
                .map(Membership::try_from)
                .collect()
            }

            async fn membership(&self, user_id: &str, slug: &str) -> Result<Option<Membership>, StoreError> {
                sqlx::query_as::<_, MembershipRow>(
                    "SELECT p.id AS project_id, p.name, p.slug, m.role
                     FROM projects p JOIN project_members m ON m.project_id = p.id AND m.user_id = $1
                     WHERE p.slug = $2",
                )
                .bind(user_id)
                .bind(slug)
                .fetch_optional(&self.pool)
                .await?
                .map(Membership::try_from)
                .transpose()
            }

            async fn project_summaries(&self, user_id: &str) -> Result<Vec<ProjectSummary>, StoreError> {
                sqlx::query_as::<_, SummaryRow>(
                    "SELECT p.id AS project_id, p.name, p.slug, m.role,
                            (SELECT count(*) FROM api_keys k WHERE k.project_id = p.id AND k.revoked_at IS NULL) AS key_count
                     FROM project_members m JOIN projects p ON p.id = m.project_id
                     WHERE m.user_id = $1
                     ORDER BY lower(p.name), p.slug",
                )
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
                sqlx::query("UPDATE projects SET name = $2 WHERE id = $1").bind(project_id).bind(name).execute(&mut *tx).await?;
                let detail = format!("{old} → {name}");
                Self::record(&mut tx, AuditRecord {
                    project_id, action: AuditAction::ProjectRenamed, actor: by, target_id: project_id, target_name: name,
                    detail, at: OffsetDateTime::now_utc(),
                }).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn change_slug(&self, project_id: &str, slug: &str, by: &Actor) -> Result<(), StoreError> {
                let mut tx = self.pool.begin().await?;
                let (name, old) = Self::locked_project(&mut tx, project_id).await?;
                sqlx::query("UPDATE projects SET slug = $2 WHERE id = $1")
                    .bind(project_id)
                    .bind(slug)
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::unique("slug"))?;
                let detail = format!("{old} → {slug}");
                Self::record(&mut tx, AuditRecord {
                    project_id, action: AuditAction::ProjectUrlChanged, actor: by, target_id: project_id, target_name: &name,
                    detail, at: OffsetDateTime::now_utc(),
                }).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn delete_project(&self, project_id: &str, by: &Actor) -> Result<(), StoreError> {
                let mut tx = self.pool.begin().await?;
                let (name, slug) = Self::locked_project(&mut tx, project_id).await?;
                sqlx::query("DELETE FROM projects WHERE id = $1").bind(project_id).execute(&mut *tx).await?;
                Self::record(&mut tx, AuditRecord {
                    project_id, action: AuditAction::ProjectDeleted, actor: by, target_id: project_id, target_name: &name,
                    detail: slug, at: OffsetDateTime::now_utc(),
                }).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn set_last_project(&self, user_id: &str, project_id: &str) -> Result<(), StoreError> {
                sqlx::query($set_last_project)
                    .bind(user_id)
                    .bind(project_id)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn last_project(&self, user_id: &str) -> Result<Option<String>, StoreError> {
                let row: Option<(Option<String>,)> = sqlx::query_as("SELECT last_project_id FROM users WHERE id = $1")
                    .bind(user_id)
                    .fetch_optional(&self.pool)
                    .await?;
                Ok(row.and_then(|(id,)| id))
            }

            async fn members(&self, project_id: &str) -> Result<Vec<Member>, StoreError> {
                sqlx::query_as::<_, MemberRow>(
                    "SELECT u.id AS user_id, u.name, u.email, m.role, m.created_at AS joined_at
                     FROM project_members m JOIN users u ON u.id = m.user_id
                     WHERE m.project_id = $1
                     ORDER BY m.role = 'owner' DESC, lower(u.name), u.email",
                )
                .bind(project_id)
                .fetch_all(&self.pool)
                .await?
                .into_iter()
                .map(Member::try_from)
                .collect()
            }

            async fn add_member(&self, project_id: &str, user_id: &str, role: Role, by: &Actor) -> Result<(), StoreError> {
                let now = OffsetDateTime::now_utc();
                let mut tx = self.pool.begin().await?;
                sqlx::query("INSERT INTO project_members (project_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)")
                    .bind(project_id)
                    .bind(user_id)
                    .bind(role.as_str())
                    .bind(now)
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::unique("member"))?;
                let (name,): (String,) =
                    sqlx::query_as("SELECT name FROM users WHERE id = $1").bind(user_id).fetch_one(&mut *tx).await?;
                Self::record(&mut tx, AuditRecord {
                    project_id, action: AuditAction::MemberAdded, actor: by, target_id: user_id, target_name: &name,
                    detail: format!("as {}", role.label()), at: now,
                }).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn change_role(&self, project_id: &str, user_id: &str, role: Role, by: &Actor) -> Result<(), StoreError> {
                self.change_membership(project_id, user_id, Some(role), by).await
            }

            async fn remove_member(&self, project_id: &str, user_id: &str, by: &Actor) -> Result<(), StoreError> {
                self.change_membership(project_id, user_id, None, by).await
            }

            async fn insert_invitation(&self, invitation: &NewInvitation, by: &Actor) -> Result<(), StoreError> {
                let mut tx = self.pool.begin().await?;
                sqlx::query(
                    "INSERT INTO invitations (id, project_id, email, role, token_hash, invited_by, created_at, expires_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
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
                Self::record(&mut tx, AuditRecord {
                    project_id: &invitation.project_id, action: AuditAction::InvitationCreated, actor: by,
                    target_id: &invitation.id, target_name: &invitation.email,
                    detail: format!("as {}", invitation.role.label()), at: invitation.created_at,
                }).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn pending_invitations(
                &self,
                project_id: &str,
                now: OffsetDateTime,
            ) -> Result<Vec<PendingInvitation>, StoreError> {
                sqlx::query_as::<_, PendingRow>(
                    "SELECT i.id, i.email, i.role, u.name AS invited_by, i.expires_at
                     FROM invitations i JOIN users u ON u.id = i.invited_by
                     WHERE i.project_id = $1 AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > $2
                     ORDER BY i.created_at DESC",
                )
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
                let revoked: Option<(String, String)> = sqlx::query_as(
                    "UPDATE invitations SET revoked_at = $3
                     WHERE id = $2 AND project_id = $1 AND accepted_at IS NULL AND revoked_at IS NULL
                     RETURNING email, role",
                )
                .bind(project_id)
                .bind(id)
                .bind(now)
                .fetch_optional(&mut *tx)
                .await?;
                let (email, role) = revoked.ok_or(StoreError::NotFound)?;
                Self::record(&mut tx, AuditRecord {
                    project_id, action: AuditAction::InvitationRevoked, actor: by, target_id: id, target_name: &email,
                    detail: format!("as {}", role_column(&role)?.label()), at: now,
                }).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn invitation_by_token(&self, token_hash: &str) -> Result<Option<InvitationRecord>, StoreError> {
                sqlx::query_as::<_, InvitationRow>(
                    "SELECT i.id, i.project_id, p.name AS project_name, i.email, i.role, i.expires_at, i.accepted_at, i.revoked_at
                     FROM invitations i JOIN projects p ON p.id = i.project_id
                     WHERE i.token_hash = $1",
                )
                .bind(token_hash)
                .fetch_optional(&self.pool)
                .await?
                .map(InvitationRecord::try_from)
                .transpose()
            }

            async fn accept_invitation(&self, id: &str, by: &Actor, now: OffsetDateTime) -> Result<(), StoreError> {
                let user_id = by.id.as_str();
                let mut tx = self.pool.begin().await?;
                let claimed: Option<(String, String, String)> = sqlx::query_as(
                    "UPDATE invitations SET accepted_at = $3, accepted_by = $2
                     WHERE id = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $3
                     RETURNING project_id, role, email",
                )
                .bind(id)
                .bind(user_id)
                .bind(now)
                .fetch_optional(&mut *tx)
                .await?;
                let (project_id, role, email) = claimed.ok_or(StoreError::NotFound)?;
                // Already a member: keep the role they have.
                sqlx::query(
                    "INSERT INTO project_members (project_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)
                     ON CONFLICT (project_id, user_id) DO NOTHING",
                )
                .bind(&project_id)
                .bind(user_id)
                .bind(&role)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                Self::record(&mut tx, AuditRecord {
                    project_id: &project_id, action: AuditAction::InvitationAccepted, actor: by, target_id: id,
                    target_name: &email, detail: format!("joined as {}", role_column(&role)?.label()), at: now,
                }).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn insert_key(&self, key: &NewKey, by: &Actor) -> Result<ApiKey, StoreError> {
                let mut tx = self.pool.begin().await?;
                sqlx::query(key_queries::INSERT)
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
                Self::record(&mut tx, AuditRecord {
                    project_id: &key.project_id, action: AuditAction::KeyCreated, actor: by, target_id: &key.id,
                    target_name: &key.name, detail: expiry_detail(key.expires_at), at: key.created_at,
                }).await?;
                tx.commit().await?;
                self.key(&key.project_id, &key.id, key.created_at).await
            }

            async fn list_keys(
                &self,
                project_id: &str,
                query: &KeyQuery,
                now: OffsetDateTime,
            ) -> Result<Vec<ApiKey>, StoreError> {
                let sql = key_queries::page(query);
                let mut select = sqlx::query_as::<_, KeyRow>(&sql).bind(project_id);
                if let Some(search) = &query.search {
                    select = select.bind(like_pattern(search));
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
                    sqlx::query_as("SELECT name FROM api_keys WHERE project_id = $1 AND id = $2 AND revoked_at IS NULL")
                        .bind(project_id)
                        .bind(key_id)
                        .fetch_optional(&mut *tx)
                        .await?;
                let (old,) = old.ok_or(StoreError::NotFound)?;
                sqlx::query("UPDATE api_keys SET name = $2 WHERE id = $1")
                    .bind(key_id)
                    .bind(name)
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::unique("name"))?;
                Self::record(&mut tx, AuditRecord {
                    project_id, action: AuditAction::KeyRenamed, actor: by, target_id: key_id, target_name: name,
                    detail: format!("{old} → {name}"), at: OffsetDateTime::now_utc(),
                }).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn count_expiring_keys(
                &self,
                project_id: &str,
                now: OffsetDateTime,
                by: OffsetDateTime,
            ) -> Result<i64, StoreError> {
                let (count,): (i64,) = sqlx::query_as(
                    "SELECT count(*) FROM api_keys
                     WHERE project_id = $1 AND revoked_at IS NULL AND expires_at > $2 AND expires_at <= $3",
                )
                .bind(project_id)
                .bind(now)
                .bind(by)
                .fetch_one(&self.pool)
                .await?;
                Ok(count)
            }

            async fn key(&self, project_id: &str, key_id: &str, now: OffsetDateTime) -> Result<ApiKey, StoreError> {
                let row = sqlx::query_as::<_, KeyRow>(&key_queries::by_id())
                    .bind(project_id)
                    .bind(key_id)
                    .fetch_optional(&self.pool)
                    .await?
                    .ok_or(StoreError::NotFound)?;
                Ok(row.into_key(now))
            }

            async fn key_by_hash(&self, key_hash: &str) -> Result<Option<KeyRecord>, StoreError> {
                Ok(sqlx::query_as::<_, KeyRecord>(key_queries::BY_HASH).bind(key_hash).fetch_optional(&self.pool).await?)
            }

            async fn record_key_use(&self, uses: &[KeyUse]) -> Result<(), StoreError> {
                let mut tx = self.pool.begin().await?;
                for key in uses {
                    sqlx::query(key_queries::RECORD_USE).bind(&key.key_id).bind(key.last_used).execute(&mut *tx).await?;
                    for (day, requests) in &key.days {
                        sqlx::query(key_queries::COUNT_REQUESTS)
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
                let sql = key_queries::usage(key_ids.len());
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
                let revoked: Option<(String,)> = sqlx::query_as(key_queries::REVOKE)
                    .bind(project_id)
                    .bind(key_id)
                    .bind(now)
                    .bind(&by.id)
                    .fetch_optional(&mut *tx)
                    .await?;
                let (name,) = revoked.ok_or(StoreError::NotFound)?;
                Self::record(&mut tx, AuditRecord {
                    project_id, action: AuditAction::KeyRevoked, actor: by, target_id: key_id, target_name: &name,
                    detail: String::new(), at: now,
                }).await?;
                tx.commit().await?;
                self.key(project_id, key_id, now).await
            }

            async fn insert_session(&self, session: &NewSession, stale_before: OffsetDateTime) -> Result<(), StoreError> {
                let mut tx = self.pool.begin().await?;
                sqlx::query("DELETE FROM user_sessions WHERE user_id = $1 AND last_seen_at < $2")
                    .bind(&session.user_id)
                    .bind(stale_before)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "INSERT INTO user_sessions (id, user_id, created_at, last_seen_at, ip, user_agent)
                     VALUES ($1, $2, $3, $3, $4, $5)",
                )
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
                let row = sqlx::query_as::<_, UserRow>(
                    "SELECT u.id, u.name, u.email FROM user_sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1",
                )
                .bind(session_id)
                .fetch_optional(&self.pool)
                .await?;
                Ok(row.map(User::from))
            }

            async fn touch_session(&self, session_id: &str, at: OffsetDateTime, ip: Option<&str>) -> Result<(), StoreError> {
                sqlx::query(
                    "UPDATE user_sessions SET last_seen_at = $2, ip = COALESCE($3, ip) WHERE id = $1 AND last_seen_at < $2",
                )
                .bind(session_id)
                .bind(at)
                .bind(ip)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn user_sessions(
                &self,
                user_id: &str,
                seen_after: OffsetDateTime,
            ) -> Result<Vec<SessionRecord>, StoreError> {
                Ok(sqlx::query_as::<_, SessionRecord>(
                    "SELECT id, created_at, last_seen_at, ip, user_agent FROM user_sessions
                     WHERE user_id = $1 AND last_seen_at >= $2
                     ORDER BY last_seen_at DESC, id",
                )
                .bind(user_id)
                .bind(seen_after)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn forget_session(&self, session_id: &str) -> Result<(), StoreError> {
                sqlx::query("DELETE FROM user_sessions WHERE id = $1").bind(session_id).execute(&self.pool).await?;
                Ok(())
            }

            async fn end_session(&self, user_id: &str, session_id: &str) -> Result<(), StoreError> {
                let done = sqlx::query("DELETE FROM user_sessions WHERE id = $2 AND user_id = $1")
                    .bind(user_id)
                    .bind(session_id)
                    .execute(&self.pool)
                    .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                Ok(())
            }

            async fn end_other_sessions(&self, user_id: &str, keep: &str) -> Result<u64, StoreError> {
                let done = sqlx::query("DELETE FROM user_sessions WHERE user_id = $1 AND id <> $2")
                    .bind(user_id)
                    .bind(keep)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected())
            }

            async fn change_password(&self, user_id: &str, password_hash: &str, keep: &str) -> Result<u64, StoreError> {
                let mut tx = self.pool.begin().await?;
                let changed = sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1")
                    .bind(user_id)
                    .bind(password_hash)
                    .execute(&mut *tx)
                    .await?;
                if changed.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                let ended = sqlx::query("DELETE FROM user_sessions WHERE user_id = $1 AND id <> $2")
                    .bind(user_id)
                    .bind(keep)
                    .execute(&mut *tx)
                    .await?;
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
                    sqlx::query_as(key_queries::CLAIM_FOR_ROLL)
                        .bind(project_id)
                        .bind(key_id)
                        .bind(&new.id)
                        .bind(now)
                        .fetch_optional(&mut *tx)
                        .await?;
                let (name, permissions, created_at, expires_at) = claimed.ok_or(StoreError::NotFound)?;
                sqlx::query(key_queries::SHORTEN).bind(key_id).bind(new.old_until).execute(&mut *tx).await?;
                let new_expiry = replacement_expiry(created_at, expires_at, now);
                sqlx::query(key_queries::INSERT)
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
                let until = if new.old_until <= now { "stopped at once".to_string() } else { format!("works until {}", minute_text(new.old_until)) };
                Self::record(&mut tx, AuditRecord {
                    project_id, action: AuditAction::KeyRolled, actor: by, target_id: key_id, target_name: &name,
                    detail: format!("replaced by {}; {until}", new.id), at: now,
                }).await?;
                Self::record(&mut tx, AuditRecord {
                    project_id, action: AuditAction::KeyCreated, actor: by, target_id: &new.id, target_name: &name,
                    detail: format!("replaces {key_id}; {}", expiry_detail(new_expiry)), at: now,
                }).await?;
                tx.commit().await?;
                Ok((self.key(project_id, key_id, now).await?, self.key(project_id, &new.id, now).await?))
            }

            async fn audit_events(&self, project_id: &str, query: &AuditQuery) -> Result<Vec<AuditEvent>, StoreError> {
                let sql = audit_queries::page(query);
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
                sqlx::query_as::<_, AuditActorRow>(audit_queries::ACTORS)
                    .bind(project_id)
                    .fetch_all(&self.pool)
                    .await?
                    .into_iter()
                    .map(AuditActor::try_from)
                    .collect()
            }
        }

        impl $store {
            /// Changes (`Some`) or removes (`None`) a membership. `$lock_project`
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
                sqlx::query($lock_project).bind(project_id).execute(&mut *tx).await?;
                let current: Option<(String, String)> = sqlx::query_as(
                    "SELECT m.role, u.name FROM project_members m JOIN users u ON u.id = m.user_id
                     WHERE m.project_id = $1 AND m.user_id = $2",
                )
                .bind(project_id)
                .bind(user_id)
                .fetch_optional(&mut *tx)
                .await?;
                let (current, name) = current.ok_or(StoreError::NotFound)?;
                let current = role_column(&current)?;
                let (owners,): (i64,) =
                    sqlx::query_as("SELECT count(*) FROM project_members WHERE project_id = $1 AND role = 'owner'")
                        .bind(project_id)
                        .fetch_one(&mut *tx)
                        .await?;
                keeps_an_owner(current, role, owners)?;
                match role {
                    Some(role) => sqlx::query("UPDATE project_members SET role = $3 WHERE project_id = $1 AND user_id = $2")
                        .bind(project_id)
                        .bind(user_id)
                        .bind(role.as_str()),
                    None => sqlx::query("DELETE FROM project_members WHERE project_id = $1 AND user_id = $2")
                        .bind(project_id)
                        .bind(user_id),
                }
                .execute(&mut *tx)
                .await?;
                let (action, detail) = match role {
                    Some(role) => (AuditAction::MemberRoleChanged, format!("{} → {}", current.label(), role.label())),
                    None if by.id == user_id => (AuditAction::MemberRemoved, format!("left (was {})", current.label())),
                    None => (AuditAction::MemberRemoved, format!("was {}", current.label())),
                };
                Self::record(&mut tx, AuditRecord {
                    project_id, action, actor: by, target_id: user_id, target_name: &name, detail,
                    at: OffsetDateTime::now_utc(),
                }).await?;
                tx.commit().await?;
                Ok(())
            }

            /// Takes the project's write lock first (see `change_membership`)
            /// and returns its name and slug; `NotFound` if it is gone.
            async fn locked_project(conn: &mut $conn, project_id: &str) -> Result<(String, String), StoreError> {
                sqlx::query($lock_project).bind(project_id).execute(&mut *conn).await?;
                let row: Option<(String, String)> = sqlx::query_as("SELECT name, slug FROM projects WHERE id = $1")
                    .bind(project_id)
                    .fetch_optional(&mut *conn)
                    .await?;
                row.ok_or(StoreError::NotFound)
            }

            /// Writes an audit event on the change's own connection, so it
            /// commits or rolls back with the change.
            async fn record(conn: &mut $conn, event: AuditRecord<'_>) -> Result<(), StoreError> {
                sqlx::query(audit_queries::INSERT)
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
    };
}

pub(super) use sql_store;
