//! Why a form posted without JavaScript was refused, carried back to its
//! page as `?error=<code>`. Only codes travel, never text: a link anyone can
//! craft must not make our own page say whatever its author wants (content
//! spoofing). An unknown code shows nothing.

use super::FieldError;

/// Each code is the field the problem belongs to, with what the page says.
const MESSAGES: &[(&str, &str)] = &[
    ("name", "Check the name: it is required, at most 100 characters, and no other active key may have it."),
    ("expires", "Choose when the key expires."),
    ("expires_on", "Choose a date in the future and within five years, as YYYY-MM-DD."),
    ("access", "Choose full access or read-only."),
    ("grace", "Choose when the old key stops working."),
    ("email", "Enter a valid email address of someone who is not yet a member."),
    ("role", "Choose owner, developer or viewer."),
];

/// The code for the first problem of a refused form.
pub fn code_for(errors: &[FieldError]) -> &'static str {
    let field = errors.first().map(|e| e.field.as_str()).unwrap_or_default();
    MESSAGES.iter().find(|(code, _)| *code == field).map_or("form", |(code, _)| code)
}

/// What the page says for `code`, when it is one of ours.
pub fn message_for(code: &str) -> Option<&'static str> {
    match code {
        "form" => Some("Check the form and try again."),
        _ => MESSAGES.iter().find(|(known, _)| *known == code).map(|(_, message)| *message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_known_codes_have_a_message() {
        assert_eq!(code_for(&[FieldError::new("email", "anything")]), "email");
        assert_eq!(code_for(&[FieldError::new("something_else", "anything")]), "form");
        assert_eq!(code_for(&[]), "form");
        assert!(message_for("email").is_some());
        assert!(message_for("form").is_some());
        assert_eq!(message_for("Your account is suspended. Call +1 555 0100."), None);
        assert_eq!(message_for(""), None);
    }
}
