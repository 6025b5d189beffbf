//! What each kind of mail says, in a plain-text and an HTML part. The words
//! come from the outbox row (no secret in it); the link is made at send
//! time from a token drawn then.

use crate::domain::{percent_encode, MailKind};
use lettre::message::{header::ContentType, Mailbox, MultiPart, SinglePart};
use lettre::Message;
use serde::{Deserialize, Serialize};

/// The non-secret facts a mail needs, stored with it in the outbox.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct MailData {
    /// Where the link points: the dashboard's public URL, or the app's
    /// origin for a project's users.
    pub base: String,
    /// Who the mail greets.
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub project: Option<String>,
    /// The From display name; `None`: "Banata".
    #[serde(default)]
    pub sender: Option<String>,
    #[serde(default)]
    pub inviter: Option<String>,
    #[serde(default)]
    pub role: Option<String>,
    /// Where the app wants its user sent after the link.
    #[serde(default)]
    pub callback: Option<String>,
    /// The organization an invitation is to (shortened: its name is
    /// chosen by a user of the app, and the invitee may be anyone).
    #[serde(default)]
    pub organization: Option<String>,
}

/// A mail ready to send.
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The link a mail of `kind` carries, with its token.
pub fn link(kind: MailKind, data: &MailData, token: &str) -> String {
    let base = data.base.trim_end_matches('/');
    let callback = data.callback.as_deref().map(|c| format!("callbackURL={}", percent_encode(c)));
    match kind {
        MailKind::Invitation => format!("{base}/invite/{token}"),
        MailKind::AccountReset => format!("{base}/reset-password?token={token}"),
        MailKind::AccountVerify => format!("{base}/verify-email?token={token}"),
        MailKind::UserVerify => match callback {
            Some(cb) => format!("{base}/api/auth/verify-email?token={token}&{cb}"),
            None => format!("{base}/api/auth/verify-email?token={token}"),
        },
        MailKind::UserReset => match callback {
            Some(cb) => format!("{base}/api/auth/reset-password/{token}?{cb}"),
            None => format!("{base}/api/auth/reset-password/{token}"),
        },
        // The app's own accept page, by invitation id: answering it needs
        // the invitee signed in, so the link carries no token.
        MailKind::OrgInvitation => base.to_string(),
    }
}

/// The subject and both parts.
pub fn render(kind: MailKind, data: &MailData, link: &str) -> Rendered {
    let project = data.project.as_deref().unwrap_or("your project");
    let greeting = match data.name.as_deref() {
        Some(name) if !name.is_empty() => format!("Hi {name},"),
        _ => "Hi,".to_string(),
    };
    let (subject, lines, button, note) = match kind {
        MailKind::Invitation => {
            let inviter = data.inviter.as_deref().unwrap_or("A teammate");
            let role = data.role.as_deref().unwrap_or("member");
            (
                format!("{inviter} invited you to {project} on Banata"),
                vec![format!("{inviter} invited you to join {project} on Banata as a {role}.")],
                "Accept the invitation",
                "The link works once, for 7 days. If you did not expect this invitation, you can ignore this mail."
                    .to_string(),
            )
        }
        MailKind::AccountReset => (
            "Reset your Banata password".to_string(),
            vec![
                "Someone asked to reset the password of your Banata account.".to_string(),
                "Choosing a new password signs you out on every device.".to_string(),
            ],
            "Choose a new password",
            "The link works once, for one hour. If you did not ask for this, ignore this mail: your password stays as it is."
                .to_string(),
        ),
        MailKind::AccountVerify => (
            "Verify your email for Banata".to_string(),
            vec!["Confirm that this is the address of your new Banata account.".to_string()],
            "Verify email",
            "The link works once, for 24 hours. If you did not create an account, ignore this mail.".to_string(),
        ),
        MailKind::UserReset => (
            format!("Reset your password for {project}"),
            vec![
                format!("Someone asked to reset the password of your {project} account."),
                "Choosing a new password signs you out on every device.".to_string(),
            ],
            "Choose a new password",
            "The link works once, for one hour. If you did not ask for this, ignore this mail: your password stays as it is."
                .to_string(),
        ),
        MailKind::OrgInvitation => {
            let organization = data.organization.as_deref().unwrap_or("an organization");
            (
                format!("You are invited to join {organization} on {project}"),
                vec![format!(
                    "You are invited to join the organization {organization} on {project}. Sign in or sign up with this address to accept."
                )],
                "See the invitation",
                "The invitation is open for 7 days. If you did not expect it, you can ignore this mail.".to_string(),
            )
        }
        MailKind::UserVerify => (
            format!("Verify your email for {project}"),
            vec![format!("Confirm that this is the address of your {project} account.")],
            "Verify email",
            format!("The link works once, for 24 hours. If you did not sign up to {project}, ignore this mail."),
        ),
    };
    let text = format!("{greeting}\n\n{}\n\n{button}:\n{link}\n\n{note}\n", lines.join("\n\n"));
    let html = html(&subject, &greeting, &lines, button, link, &note);
    Rendered { subject, text, html }
}

/// One column, inline styles only (mail clients drop `<style>` and most
/// CSS), a real link as the button, and the link again as text for clients
/// that show no HTML buttons.
fn html(subject: &str, greeting: &str, lines: &[String], button: &str, link: &str, note: &str) -> String {
    let paragraphs: String = lines
        .iter()
        .map(|line| {
            format!("<p style=\"margin:0 0 16px;font-size:16px;line-height:24px;color:#1f2328\">{}</p>", escape(line))
        })
        .collect();
    let link_attr = escape(link);
    format!(
        r#"<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>{title}</title></head>
<body style="margin:0;padding:0;background:#f6f8fa">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f6f8fa;padding:32px 16px">
<tr><td align="center">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:520px;background:#ffffff;border:1px solid #d0d7de;border-radius:8px">
<tr><td style="padding:32px 32px 8px;font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Helvetica,Arial,sans-serif">
<p style="margin:0 0 24px;font-size:14px;font-weight:600;letter-spacing:0.02em;color:#57606a">Banata</p>
<h1 style="margin:0 0 16px;font-size:22px;line-height:30px;color:#1f2328">{title}</h1>
<p style="margin:0 0 16px;font-size:16px;line-height:24px;color:#1f2328">{greeting}</p>
{paragraphs}
<p style="margin:24px 0"><a href="{link_attr}" style="display:inline-block;padding:12px 20px;background:#1f6feb;color:#ffffff;font-size:16px;font-weight:600;text-decoration:none;border-radius:6px">{button}</a></p>
<p style="margin:0 0 16px;font-size:14px;line-height:20px;color:#57606a">{note}</p>
<p style="margin:0 0 24px;font-size:13px;line-height:20px;color:#57606a">If the button does not work, open this address:<br><a href="{link_attr}" style="color:#0550ae;word-break:break-all">{link_attr}</a></p>
</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
"#,
        title = escape(subject),
        greeting = escape(greeting),
        button = escape(button),
        note = escape(note),
    )
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The whole message: From (the project's sender name, or Banata) at the
/// configured address, To the recipient, and both parts.
pub fn message(from: &Mailbox, recipient: &str, data: &MailData, rendered: Rendered) -> Result<Message, String> {
    let sender = data.sender.clone().unwrap_or_else(|| "Banata".to_string());
    let from = Mailbox::new(Some(sender), from.email.clone());
    let to: Mailbox = recipient.parse().map_err(|_| "the recipient is not a valid address".to_string())?;
    Message::builder()
        .from(from)
        .to(to)
        .subject(rendered.subject)
        .multipart(
            MultiPart::alternative()
                .singlepart(SinglePart::builder().header(ContentType::TEXT_PLAIN).body(rendered.text))
                .singlepart(SinglePart::builder().header(ContentType::TEXT_HTML).body(rendered.html)),
        )
        .map_err(|e| format!("could not build the message: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_both_parts_with_its_link_and_escapes_names() {
        let data = MailData {
            base: "https://app.example.com/".into(),
            name: Some("Ada <script>".into()),
            project: Some("Acme & Co".into()),
            callback: Some("https://app.example.com/done?x=1".into()),
            organization: Some("<script>Org".into()),
            ..MailData::default()
        };
        for kind in MailKind::ALL {
            let link = link(kind, &data, "tok123");
            // An organization invitation links to the app's page by id: no token.
            let carries_token = kind != MailKind::OrgInvitation;
            assert!(link.starts_with("https://app.example.com") && link.contains("tok123") == carries_token, "{link}");
            let mail = render(kind, &data, &link);
            assert!(mail.text.contains(&link), "{kind:?}");
            assert!(mail.html.contains(&escape(&link)), "{kind:?}");
            assert!(!mail.html.contains("<script>"), "{kind:?}");
        }
        let reset = link(MailKind::UserReset, &data, "tok123");
        assert_eq!(
            reset,
            "https://app.example.com/api/auth/reset-password/tok123?callbackURL=https%3A//app.example.com/done%3Fx%3D1"
        );
    }
}
