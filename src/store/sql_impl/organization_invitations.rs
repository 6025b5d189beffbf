//! `OrganizationInvitationStore` in SQL.

use super::events::{self, NewEvent};
use super::*;
use crate::domain::organizations::OrgRefusal;
use crate::domain::EventType;
use crate::store::views;

#[async_trait]
impl OrganizationInvitationStore for Backend {
    async fn create(
        &self,
        project_id: &str,
        invitation: &NewOrgInvitation,
        by: &Actor,
        at: OffsetDateTime,
    ) -> Result<OrganizationInvitation, StoreError> {
        let mut tx = self.pool.begin().await?;
        projects::lock(&mut tx, project_id).await?;
        let organization = organizations::by_id(&mut tx, project_id, &invitation.organization_id).await?;
        let member: Option<(String,)> = sqlx::query_as(queries::organization_invitations::EMAIL_IS_MEMBER)
            .bind(&organization.id)
            .bind(&invitation.email)
            .fetch_optional(&mut *tx)
            .await?;
        if member.is_some() {
            return Err(StoreError::Refused(OrgRefusal::AlreadyMember));
        }
        organization_members::room_for(&mut tx, &organization, &invitation.email).await?;
        let pending: Option<(String,)> = sqlx::query_as(queries::organization_invitations::PENDING_TO)
            .bind(&organization.id)
            .bind(&invitation.email)
            .bind(at)
            .fetch_optional(&mut *tx)
            .await?;
        let role = invitation.roles.join(",");
        match (pending, invitation.resend) {
            (Some(_), false) => return Err(StoreError::Refused(OrgRefusal::AlreadyInvited)),
            // Sent again: the new one (and its mail) replaces the old.
            (Some((old,)), true) => set_status(&mut tx, &old, "canceled", at).await?,
            (None, _) => {}
        }
        sqlx::query(queries::organization_invitations::INSERT)
            .bind(&invitation.id)
            .bind(project_id)
            .bind(&organization.id)
            .bind(&invitation.email)
            .bind(&role)
            .bind(invitation.inviter_id.as_deref())
            .bind(invitation.expires_at)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        if let Some(queued) = &invitation.mail {
            mail::queue(&mut tx, queued).await?;
        }
        let id = invitation.id.clone();
        let made = by_id(&mut tx, &id).await?;
        let detail = format!("{} to {} as {role}", invitation.email, organization.name);
        let target = (id.as_str(), invitation.email.as_str());
        let event = NewEvent::new(project_id, EventType::InvitationCreated, views::invitation(&made, at), at)
            .in_organization(&made.organization_id);
        audit::record(
            &mut tx,
            AuditRecord::new(project_id, AuditAction::OrgInvitationCreated, by, target, detail, at)
                .with(event.prepare()),
        )
        .await?;
        tx.commit().await?;
        Ok(made)
    }

    async fn find(&self, project_id: &str, id: &str) -> Result<Option<InvitationDetail>, StoreError> {
        Ok(sqlx::query_as::<_, InvitationDetail>(&queries::organization_invitations::detail_by_id())
            .bind(project_id)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn page(
        &self,
        project_id: &str,
        organization_id: &str,
        status: Option<&str>,
        after: Option<(OffsetDateTime, String)>,
        limit: i64,
        now: OffsetDateTime,
    ) -> Result<Vec<OrganizationInvitation>, StoreError> {
        let sql = queries::organization_invitations::page(status.is_some(), after.is_some());
        let mut query =
            sqlx::query_as::<_, OrganizationInvitation>(&sql).bind(project_id).bind(organization_id).bind(now);
        if let Some(status) = status {
            query = query.bind(status);
        }
        if let Some((at, id)) = &after {
            query = query.bind(*at).bind(id);
        }
        Ok(query.bind(limit).fetch_all(&self.pool).await?)
    }

    async fn pending_for(
        &self,
        project_id: &str,
        email: &str,
        now: OffsetDateTime,
    ) -> Result<Vec<InvitationDetail>, StoreError> {
        Ok(sqlx::query_as::<_, InvitationDetail>(&queries::organization_invitations::pending_for_email())
            .bind(project_id)
            .bind(email)
            .bind(now)
            .fetch_all(&self.pool)
            .await?)
    }

    async fn accept(
        &self,
        project_id: &str,
        id: &str,
        member: &NewMember,
        by: &Actor,
        at: OffsetDateTime,
    ) -> Result<(OrganizationInvitation, OrganizationMember), StoreError> {
        let mut tx = self.pool.begin().await?;
        projects::lock(&mut tx, project_id).await?;
        let invitation = pending(&mut tx, project_id, id, at).await?;
        let organization = organizations::by_id(&mut tx, project_id, &invitation.organization_id).await?;
        organization_members::may_join(&mut tx, &organization, &member.user_id, &invitation.email).await?;
        let roles: Vec<String> = invitation.role.split(',').map(str::to_string).collect();
        organization_members::insert(&mut tx, project_id, &organization.id, member, &roles, at).await?;
        set_status(&mut tx, id, "accepted", at).await?;
        let accepted = by_id(&mut tx, id).await?;
        let joined = organization_members::by_id(&mut tx, &organization.id, &member.id).await?;
        let detail = format!("{} joined {} as {}", invitation.email, organization.name, joined.role);
        let target = (id, invitation.email.as_str());
        let event = NewEvent::new(project_id, EventType::InvitationAccepted, views::invitation(&accepted, at), at)
            .in_organization(&organization.id);
        audit::record(
            &mut tx,
            AuditRecord::new(project_id, AuditAction::OrgInvitationAccepted, by, target, detail, at)
                .with(event.prepare()),
        )
        .await?;
        events::emit(
            &mut tx,
            NewEvent::new(project_id, EventType::MemberAdded, views::member(&joined), at)
                .in_organization(&organization.id),
        )
        .await?;
        tx.commit().await?;
        Ok((accepted, joined))
    }

    async fn answer(
        &self,
        project_id: &str,
        id: &str,
        answer: InvitationAnswer,
        by: &Actor,
        at: OffsetDateTime,
    ) -> Result<OrganizationInvitation, StoreError> {
        let mut tx = self.pool.begin().await?;
        projects::lock(&mut tx, project_id).await?;
        let invitation = pending(&mut tx, project_id, id, at).await?;
        let (status, action) = match answer {
            InvitationAnswer::Rejected => ("rejected", AuditAction::OrgInvitationRejected),
            InvitationAnswer::Canceled => ("canceled", AuditAction::OrgInvitationRevoked),
        };
        set_status(&mut tx, id, status, at).await?;
        let answered = by_id(&mut tx, id).await?;
        let detail = format!("{} ({})", invitation.email, invitation.role);
        let kind = match answer {
            InvitationAnswer::Rejected => EventType::InvitationRejected,
            InvitationAnswer::Canceled => EventType::InvitationRevoked,
        };
        let event = NewEvent::new(project_id, kind, views::invitation(&answered, at), at);
        let record = AuditRecord::new(project_id, action, by, (id, invitation.email.as_str()), detail, at);
        audit::record(&mut tx, record.with(event.in_organization(&answered.organization_id).prepare())).await?;
        tx.commit().await?;
        Ok(answered)
    }
}

/// The project's invitation, if it is still pending and unexpired at `at`.
async fn pending(
    conn: &mut Conn,
    project_id: &str,
    id: &str,
    at: OffsetDateTime,
) -> Result<OrganizationInvitation, StoreError> {
    let found = sqlx::query_as::<_, InvitationDetail>(&queries::organization_invitations::detail_by_id())
        .bind(project_id)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound(Resource::OrgInvitation))?;
    match found.invitation.status_at(at) {
        "pending" => Ok(found.invitation),
        "expired" => Err(StoreError::Refused(OrgRefusal::InvitationExpired)),
        _ => Err(StoreError::Refused(OrgRefusal::InvitationNotPending)),
    }
}

async fn set_status(conn: &mut Conn, id: &str, status: &str, at: OffsetDateTime) -> Result<(), StoreError> {
    sqlx::query(queries::organization_invitations::SET_STATUS)
        .bind(id)
        .bind(status)
        .bind(at)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

async fn by_id(conn: &mut Conn, id: &str) -> Result<OrganizationInvitation, StoreError> {
    Ok(sqlx::query_as::<_, OrganizationInvitation>(&queries::organization_invitations::by_id())
        .bind(id)
        .fetch_one(&mut *conn)
        .await?)
}
