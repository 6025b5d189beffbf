//! Mail as the dashboard shows it: what kind a mail is and how its delivery
//! went. Never a link: a link in a mail is a bearer secret.

use serde::{Deserialize, Serialize};

/// What a mail is for; also what its link's token is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MailKind {
    /// A teammate invited to a project.
    Invitation,
    /// "Forgot password?" on the dashboard.
    AccountReset,
    /// A new dashboard account proves its address.
    AccountVerify,
    /// A project's user asked their app to reset their password.
    UserReset,
    /// A project's user proves their address.
    UserVerify,
    /// Someone invited to an organization of a project's app.
    OrgInvitation,
}

impl MailKind {
    pub const ALL: [MailKind; 6] = [
        MailKind::Invitation,
        MailKind::AccountReset,
        MailKind::AccountVerify,
        MailKind::UserReset,
        MailKind::UserVerify,
        MailKind::OrgInvitation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MailKind::Invitation => "invitation",
            MailKind::AccountReset => "account_reset",
            MailKind::AccountVerify => "account_verify",
            MailKind::UserReset => "user_reset",
            MailKind::UserVerify => "user_verify",
            MailKind::OrgInvitation => "org_invitation",
        }
    }

    pub fn parse(value: &str) -> Option<MailKind> {
        MailKind::ALL.into_iter().find(|kind| kind.as_str() == value)
    }

    /// For the deliveries page.
    pub fn label(self) -> &'static str {
        match self {
            MailKind::Invitation => "Invitation",
            MailKind::AccountReset => "Password reset (team)",
            MailKind::AccountVerify => "Email verification (team)",
            MailKind::UserReset => "Password reset",
            MailKind::UserVerify => "Email verification",
            MailKind::OrgInvitation => "Organization invitation",
        }
    }

    /// How long its link works.
    pub fn link_lifetime_seconds(self) -> i64 {
        match self {
            MailKind::Invitation | MailKind::OrgInvitation => 7 * 86_400,
            MailKind::AccountReset | MailKind::UserReset => 3_600,
            MailKind::AccountVerify | MailKind::UserVerify => 86_400,
        }
    }
}

/// Where a mail's delivery stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeliveryStatus {
    /// Waiting for its first try.
    Queued,
    /// Tried, failed, and tried again later.
    Retrying,
    Sent,
    /// Given up on, or no longer needed.
    Failed,
}

impl DeliveryStatus {
    pub fn label(self) -> &'static str {
        match self {
            DeliveryStatus::Queued => "Queued",
            DeliveryStatus::Retrying => "Retrying",
            DeliveryStatus::Sent => "Sent",
            DeliveryStatus::Failed => "Failed",
        }
    }
}

/// One mail of a project, as its deliveries page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    pub id: String,
    pub recipient: String,
    pub kind: MailKind,
    pub status: DeliveryStatus,
    pub attempts: i64,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub sent_at: Option<String>,
    /// What the mail server last said, when it refused.
    pub last_error: Option<String>,
}

/// The deliveries page: whether this server sends mail at all, and the
/// project's recent mail, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryPage {
    pub mail_on: bool,
    pub deliveries: Vec<Delivery>,
}
