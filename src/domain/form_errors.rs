//! Why a form posted without JavaScript was refused, carried back to its
//! page as `?error=<code>`. Only codes travel, never text: a link anyone can
//! craft must not make our own page say whatever its author wants (content
//! spoofing). An unknown code shows nothing.

use super::FieldError;

/// Each code is the field the problem belongs to (`<field>_taken` when the
/// value is someone else's already), with what the page says.
const MESSAGES: &[(&str, &str)] = &[
    ("name", "Check the name: it is required and at most 100 characters."),
    ("name_taken", "An active key is already named that. Choose another name."),
    ("expires", "Choose when the key expires."),
    ("expires_on", "Choose a date in the future and within five years, as YYYY-MM-DD."),
    ("access", "Choose full access or read-only."),
    ("grace", "Choose when the old key stops working."),
    ("email", "Enter a valid email address of someone who is not yet a member."),
    ("role", "Choose owner, developer or viewer."),
];

/// The code for the first problem of a refused form.
pub fn code_for(errors: &[FieldError]) -> &'static str {
    let wanted = match errors.first() {
        Some(error) if error.code == "taken" => format!("{}_taken", error.field),
        Some(error) => error.field.clone(),
        None => String::new(),
    };
    MESSAGES.iter().find(|(code, _)| *code == wanted).map_or("form", |(code, _)| code)
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
        let taken = FieldError { code: "taken".into(), ..FieldError::new("name", "anything") };
        assert_eq!(code_for(&[taken]), "name_taken");
        assert!(message_for("email").is_some());
        assert!(message_for("form").is_some());
        assert_eq!(message_for("Your account is suspended. Call +1 555 0100."), None);
        assert_eq!(message_for(""), None);
    }
}
