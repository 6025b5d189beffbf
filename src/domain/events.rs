//! What an app hears about: the event types, their wire names, and the
//! names Banata's dashboard subscribes with.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EventType {
    UserCreated,
    UserUpdated,
    UserDeleted,
    UserBanned,
    UserUnbanned,
    SessionCreated,
    SessionRevoked,
    EmailVerified,
    PasswordChanged,
    PasswordReset,
    OrganizationCreated,
    OrganizationUpdated,
    OrganizationDeleted,
    MemberAdded,
    MemberRemoved,
    MemberRoleUpdated,
    InvitationCreated,
    InvitationAccepted,
    InvitationRejected,
    InvitationRevoked,
    ApiKeyCreated,
    ApiKeyRevoked,
    WebhookTest,
}

impl EventType {
    pub const ALL: [EventType; 23] = [
        EventType::UserCreated,
        EventType::UserUpdated,
        EventType::UserDeleted,
        EventType::UserBanned,
        EventType::UserUnbanned,
        EventType::SessionCreated,
        EventType::SessionRevoked,
        EventType::EmailVerified,
        EventType::PasswordChanged,
        EventType::PasswordReset,
        EventType::OrganizationCreated,
        EventType::OrganizationUpdated,
        EventType::OrganizationDeleted,
        EventType::MemberAdded,
        EventType::MemberRemoved,
        EventType::MemberRoleUpdated,
        EventType::InvitationCreated,
        EventType::InvitationAccepted,
        EventType::InvitationRejected,
        EventType::InvitationRevoked,
        EventType::ApiKeyCreated,
        EventType::ApiKeyRevoked,
        EventType::WebhookTest,
    ];

    /// The wire name; stored, so it never changes once released.
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::UserCreated => "user.created",
            EventType::UserUpdated => "user.updated",
            EventType::UserDeleted => "user.deleted",
            EventType::UserBanned => "user.banned",
            EventType::UserUnbanned => "user.unbanned",
            EventType::SessionCreated => "session.created",
            EventType::SessionRevoked => "session.revoked",
            EventType::EmailVerified => "email.verified",
            EventType::PasswordChanged => "password.changed",
            EventType::PasswordReset => "password.reset",
            EventType::OrganizationCreated => "organization.created",
            EventType::OrganizationUpdated => "organization.updated",
            EventType::OrganizationDeleted => "organization.deleted",
            EventType::MemberAdded => "member.added",
            EventType::MemberRemoved => "member.removed",
            EventType::MemberRoleUpdated => "member.role_updated",
            EventType::InvitationCreated => "invitation.created",
            EventType::InvitationAccepted => "invitation.accepted",
            EventType::InvitationRejected => "invitation.rejected",
            EventType::InvitationRevoked => "invitation.revoked",
            EventType::ApiKeyCreated => "api_key.created",
            EventType::ApiKeyRevoked => "api_key.revoked",
            EventType::WebhookTest => "webhook.test",
        }
    }

    /// A type by its name, or by the older name Banata's dashboard
    /// subscribes with (`member.invited`, `member.joined`, `api_key.deleted`).
    pub fn parse(name: &str) -> Option<EventType> {
        let name = match name {
            "member.invited" => "invitation.created",
            "member.joined" => "member.added",
            "api_key.deleted" => "api_key.revoked",
            other => other,
        };
        Self::ALL.into_iter().find(|t| t.as_str() == name)
    }
}

/// The names endpoints subscribe to, for the dashboard's picker (the test
/// event is sent on request, not subscribed to).
pub fn subscribable() -> impl Iterator<Item = EventType> {
    EventType::ALL.into_iter().filter(|t| *t != EventType::WebhookTest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_aliases_resolve() {
        for t in EventType::ALL {
            assert_eq!(EventType::parse(t.as_str()), Some(t));
        }
        assert_eq!(EventType::parse("member.invited"), Some(EventType::InvitationCreated));
        assert_eq!(EventType::parse("member.joined"), Some(EventType::MemberAdded));
        assert_eq!(EventType::parse("api_key.deleted"), Some(EventType::ApiKeyRevoked));
        assert_eq!(EventType::parse("user.exploded"), None);
    }
}
