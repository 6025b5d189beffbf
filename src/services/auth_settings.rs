//! A project's Authentication settings: what its app lets its users do.
//! Every member may read them; owners change them (like the project's other
//! settings: extra origins widen who may act with a user's cookie). A change
//! forgets the project's cached keys, which carry the settings to the auth
//! API (other instances hear of it through the database's notices).

use super::Caller;
use crate::domain::{
    url_origin, AuthSettings, FieldError, Permission, ORIGINS_MAX, PASSWORD_MIN_RANGE, SENDER_NAME_MAX,
    SESSION_DAYS_RANGE, SIGN_UPS_PER_HOUR_RANGE,
};
use crate::error::AppError;
use crate::state::AppState;
use time::OffsetDateTime;

/// The settings as a form sends them: numbers and origins still text.
pub struct SettingsInput<'a> {
    pub sign_ups_open: bool,
    pub password_min: &'a str,
    pub require_email_verification: bool,
    pub session_days: &'a str,
    /// One origin per line (commas and spaces separate too).
    pub allowed_origins: &'a str,
    /// Empty: the project's name.
    pub mail_sender_name: &'a str,
    /// One of the allowed origins; empty: the first of them.
    pub mail_link_origin: &'a str,
    pub sign_ups_per_hour: &'a str,
    pub org_creation_open: bool,
    /// The app's invitation page, with `{id}`; empty: the default.
    pub org_invitation_path: &'a str,
}

pub async fn get(state: &AppState, caller: &Caller) -> Result<AuthSettings, AppError> {
    Ok(state.store.projects().auth_settings(&caller.project_id).await?)
}

/// Checks every field, then stores them all or none.
pub async fn update(state: &AppState, caller: &Caller, input: SettingsInput<'_>) -> Result<AuthSettings, AppError> {
    caller.require(Permission::AuthSettingsUpdate)?;
    let settings = parse(&input)?;
    let saved = state
        .store
        .projects()
        .set_auth_settings(&caller.project_id, &settings, &caller.actor, OffsetDateTime::now_utc())
        .await;
    state.keys.forget_project(&caller.project_id);
    saved?;
    Ok(settings)
}

fn parse(input: &SettingsInput<'_>) -> Result<AuthSettings, AppError> {
    let mut errors = Vec::new();
    let mut number = |field: &str, text: &str, range: std::ops::RangeInclusive<u32>, what: &str| match text
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|n| range.contains(n))
    {
        Some(n) => n,
        None => {
            let (low, high) = (range.start(), range.end());
            errors.push(FieldError::new(field, format!("Use a whole number of {what} from {low} to {high}.")));
            0
        }
    };
    let password_min = number("password_min", input.password_min, PASSWORD_MIN_RANGE, "characters");
    let session_days = number("session_days", input.session_days, SESSION_DAYS_RANGE, "days");
    let sign_ups_per_hour = number("sign_ups_per_hour", input.sign_ups_per_hour, SIGN_UPS_PER_HOUR_RANGE, "sign-ups");
    let allowed_origins = match origins(input.allowed_origins) {
        Ok(origins) => origins,
        Err(error) => {
            errors.push(error);
            Vec::new()
        }
    };
    let sender = input.mail_sender_name.trim();
    // A display name goes into a mail header: no line breaks, no quotes or
    // angle brackets that would change what the header says.
    let sender_ok = sender.chars().count() <= SENDER_NAME_MAX
        && !sender.chars().any(|c| c.is_control() || matches!(c, '"' | '<' | '>' | '\\'));
    if !sender_ok {
        errors.push(FieldError::new(
            "mail_sender_name",
            format!("Use up to {SENDER_NAME_MAX} characters, without quotes, angle brackets or line breaks."),
        ));
    }
    let link = input.mail_link_origin.trim();
    let mail_link_origin = match link.strip_suffix('/').unwrap_or(link) {
        "" => None,
        bare => match url_origin(bare).filter(|o| o.len() == bare.len() && allowed_origins.contains(o)) {
            Some(origin) => Some(origin),
            None => {
                errors.push(FieldError::new(
                    "mail_link_origin",
                    "Choose one of the allowed origins (or leave it empty for the first of them).",
                ));
                None
            }
        },
    };
    let org_invitation_path = match invitation_path(input.org_invitation_path) {
        Ok(path) => path,
        Err(error) => {
            errors.push(error);
            None
        }
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    Ok(AuthSettings {
        org_creation_open: input.org_creation_open,
        org_invitation_path,
        sign_ups_open: input.sign_ups_open,
        password_min,
        require_email_verification: input.require_email_verification,
        session_days,
        allowed_origins,
        mail_sender_name: (!sender.is_empty()).then(|| sender.to_string()),
        mail_link_origin,
        sign_ups_per_hour,
    })
}

/// The app's invitation page: a path of the app (`/…`, never `//…`), at
/// most 200 characters, with `{id}` where the invitation's id goes.
fn invitation_path(raw: &str) -> Result<Option<String>, FieldError> {
    let path = raw.trim();
    if path.is_empty() {
        return Ok(None);
    }
    let plain = path.starts_with('/')
        && !path.starts_with("//")
        && path.len() <= 200
        && !path.chars().any(|c| c.is_whitespace() || c.is_control() || c == '\\');
    if !plain || !path.contains("{id}") {
        return Err(FieldError::new(
            "org_invitation_path",
            "Use a path of your app with {id} in it, like /accept-invitation/{id}.",
        ));
    }
    Ok(Some(path.to_string()))
}

/// Each entry must be an origin alone (`https://host[:port]`, a trailing
/// slash allowed); duplicates are dropped, order kept.
fn origins(text: &str) -> Result<Vec<String>, FieldError> {
    let field = "allowed_origins";
    let mut found: Vec<String> = Vec::new();
    for entry in text.split(|c: char| c.is_whitespace() || c == ',').filter(|e| !e.is_empty()) {
        let bare = entry.strip_suffix('/').unwrap_or(entry);
        match url_origin(bare) {
            Some(origin) if origin.len() == bare.len() && origin.len() <= 255 => {
                if !found.contains(&origin) {
                    found.push(origin);
                }
            }
            _ => {
                let shown: String = entry.chars().take(60).collect();
                return Err(FieldError::new(
                    field,
                    format!("{shown} is not an origin. Use the form https://app.example.com, without a path."),
                ));
            }
        }
    }
    if found.len() > ORIGINS_MAX {
        return Err(FieldError::new(field, format!("Use at most {ORIGINS_MAX} origins.")));
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input<'a>(password_min: &'a str, session_days: &'a str, origins: &'a str) -> SettingsInput<'a> {
        SettingsInput {
            sign_ups_open: true,
            password_min,
            require_email_verification: false,
            session_days,
            allowed_origins: origins,
            mail_sender_name: "",
            mail_link_origin: "",
            sign_ups_per_hour: "1000",
            org_creation_open: true,
            org_invitation_path: "",
        }
    }

    fn fields(error: AppError) -> Vec<String> {
        match error {
            AppError::Invalid(errors) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("not a field error: {other:?}"),
        }
    }

    #[test]
    fn numbers_must_be_in_range() {
        assert_eq!(parse(&input("8", "1", "")).unwrap().password_min, 8);
        assert_eq!(parse(&input("128", "365", "")).unwrap().session_days, 365);
        assert_eq!(fields(parse(&input("7", "0", "")).unwrap_err()), ["password_min", "session_days"]);
        assert_eq!(fields(parse(&input("129", "366", "")).unwrap_err()), ["password_min", "session_days"]);
        assert_eq!(fields(parse(&input("", "seven", "")).unwrap_err()), ["password_min", "session_days"]);
        assert_eq!(fields(parse(&input("-8", "7.5", "")).unwrap_err()), ["password_min", "session_days"]);
    }

    #[test]
    fn origins_are_origins_alone() {
        let parsed =
            parse(&input("8", "7", "https://App.example.com/\nhttp://localhost:3000, https://app.example.com"));
        assert_eq!(parsed.unwrap().allowed_origins, ["https://app.example.com", "http://localhost:3000"]);
        for bad in
            ["https://app.example.com/path", "ftp://x.example", "app.example.com", "https://u@x.example", "https://"]
        {
            assert_eq!(fields(parse(&input("8", "7", bad)).unwrap_err()), ["allowed_origins"], "{bad}");
        }
        let many: Vec<String> = (0..=ORIGINS_MAX).map(|i| format!("https://a{i}.example")).collect();
        assert!(parse(&input("8", "7", &many.join("\n"))).is_err());
    }

    #[test]
    fn the_mail_link_origin_is_one_of_the_allowed_ones() {
        let two = "https://app.example.com\nhttp://localhost:3000";
        let with = |link: &'static str| parse(&SettingsInput { mail_link_origin: link, ..input("8", "7", two) });
        assert_eq!(with("").unwrap().mail_origin(), Some("https://app.example.com"), "the first by default");
        assert_eq!(with("").unwrap().mail_link_origin, None);
        assert_eq!(with("http://localhost:3000/").unwrap().mail_origin(), Some("http://localhost:3000"));
        for bad in ["https://evil.example", "https://app.example.com/reset", "not an origin"] {
            assert_eq!(fields(with(bad).unwrap_err()), ["mail_link_origin"], "{bad}");
        }
        let none = parse(&input("8", "7", "")).unwrap();
        assert_eq!(none.mail_origin(), None);
    }

    #[test]
    fn sign_ups_per_hour_is_bounded() {
        let with = |n: &'static str| parse(&SettingsInput { sign_ups_per_hour: n, ..input("8", "7", "") });
        assert_eq!(with("1").unwrap().sign_ups_per_hour, 1);
        assert_eq!(with("1000000").unwrap().sign_ups_per_hour, 1_000_000);
        for bad in ["0", "1000001", "", "many"] {
            assert_eq!(fields(with(bad).unwrap_err()), ["sign_ups_per_hour"], "{bad}");
        }
    }

    #[test]
    fn the_invitation_page_is_a_path_of_the_app_with_the_id() {
        let with = |path: &'static str| parse(&SettingsInput { org_invitation_path: path, ..input("8", "7", "") });
        assert_eq!(with("").unwrap().org_invitation_path, None);
        assert_eq!(with(" /join/{id} ").unwrap().org_invitation_path.as_deref(), Some("/join/{id}"));
        for bad in ["join/{id}", "//evil.example/{id}", "/join", "/a b/{id}", "https://evil.example/{id}"] {
            assert_eq!(fields(with(bad).unwrap_err()), ["org_invitation_path"], "{bad}");
        }
    }
}
