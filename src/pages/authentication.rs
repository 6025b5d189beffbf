//! `/projects/<slug>/authentication`: what the project's app lets its users
//! do. Sign-ups open or closed, minimum password length, email verification,
//! session lifetime, extra allowed origins. Owners change them; other
//! members see them. The auth API and `banata/config/public` follow
//! within a moment of saving (on every instance).

use crate::api::auth_settings::{get_auth_settings, get_token_issuer, SaveAuthSettings};
use crate::api::mail::mail_on;
use crate::components::field::Field;
use crate::components::shell::with_project;
use crate::domain::{
    AuthSettings, Membership, Permission, PASSWORD_MIN_RANGE, SENDER_NAME_MAX, SESSION_DAYS_RANGE,
    SIGN_UPS_PER_HOUR_RANGE,
};
use crate::pages::auth_layout::{action_error, FormAlert};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AuthenticationPage() -> impl IntoView {
    view! {
        <Title text="Authentication" />
        {with_project(|project| view! { <Authentication project=project /> })}
    }
}

#[component]
fn Authentication(project: Membership) -> impl IntoView {
    let save = ServerAction::<SaveAuthSettings>::new();
    let slug = project.slug.clone();
    let settings = Resource::new(|| (), move |_| get_auth_settings(slug.clone()));
    let issuer_slug = project.slug.clone();
    let issuer = Resource::new(|| (), move |_| get_token_issuer(issuer_slug.clone()));
    let mail = Resource::new(|| (), |_| mail_on());
    let can_change = project.role.grants(Permission::AuthSettingsUpdate);
    view! {
        <header class="page-header">
            <div>
                <h1>"Authentication"</h1>
                <p class="muted">
                    "How people sign up and sign in to your app through the API keys of "
                    <strong>{project.name.clone()}</strong> "."
                </p>
            </div>
        </header>
        <Transition fallback=|| view! { <div class="skeleton skeleton-block"></div> }>
            {move || {
                let slug = project.slug.clone();
                Suspend::new(async move {
                    // Without an answer, no warning: it would only be a guess.
                    let mail_off = matches!(mail.await, Ok(false));
                    let issuer = issuer.await.ok();
                    match settings.await {
                        Err(e) => view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }.into_any(),
                        Ok(current) => view! {
                            <SettingsForm current=current slug=slug can_change=can_change mail_off=mail_off action=save />
                            {issuer.map(|issuer| view! { <TokenVerification issuer=issuer /> })}
                        }
                            .into_any(),
                    }
                })
            }}
        </Transition>
    }
}

#[component]
fn SettingsForm(
    current: AuthSettings,
    slug: String,
    can_change: bool,
    mail_off: bool,
    action: ServerAction<SaveAuthSettings>,
) -> impl IntoView {
    let error = action_error(action);
    let field_error = move |name: &'static str| move || error.get().and_then(|e| e.field_message(name));
    let query = use_query_map();
    let saved = move || query.with(|q| q.get("saved").is_some()) && action.value().with(Option::is_none);
    let origins = current.allowed_origins.join("\n");
    let (pmin, pmax) = (*PASSWORD_MIN_RANGE.start(), *PASSWORD_MIN_RANGE.end());
    view! {
        <section class="card form-card">
            {(!can_change).then(|| view! {
                <p class="muted">"Only the project's owners can change these settings."</p>
            })}
            <ActionForm action=action attr:class="form">
                <FormAlert error=error />
                <input type="hidden" name="slug" value=slug />
                <fieldset class="fieldset" disabled=!can_change>
                    <legend>"Sign-up"</legend>
                    <label class="checkbox">
                        <input type="checkbox" name="sign_ups_open" value="1" checked=current.sign_ups_open />
                        "Anyone may sign up"
                    </label>
                    <p class="field-hint">"When off, only users you add (here or with the admin API) can sign in."</p>
                    <label class="checkbox">
                        <input type="checkbox" name="require_email_verification" value="1" checked=current.require_email_verification />
                        "Require email verification"
                    </label>
                    <p class="field-hint">"Unverified users cannot sign in (EMAIL_NOT_VERIFIED) until their email is verified."</p>
                    <NumberField
                        label="Sign-ups per hour"
                        name="sign_ups_per_hour"
                        range=SIGN_UPS_PER_HOUR_RANGE
                        value=current.sign_ups_per_hour
                        hint="Each sign-up can mail a verification link to the address given; beyond this many an hour, sign-up answers 429.".to_string()
                        error=Signal::derive(field_error("sign_ups_per_hour"))
                    />
                </fieldset>
                <fieldset class="fieldset" disabled=!can_change>
                    <legend>"Passwords and sessions"</legend>
                    <NumberField
                        label="Minimum password length"
                        name="password_min"
                        range=PASSWORD_MIN_RANGE
                        value=current.password_min
                        hint=format!("{pmin} to {pmax} characters.")
                        error=Signal::derive(field_error("password_min"))
                    />
                    <NumberField
                        label="Session lifetime (days)"
                        name="session_days"
                        range=SESSION_DAYS_RANGE
                        value=current.session_days
                        hint="A session ends this long after it was last used.".to_string()
                        error=Signal::derive(field_error("session_days"))
                    />
                </fieldset>
                <fieldset class="fieldset" disabled=!can_change>
                    <legend>"Allowed origins"</legend>
                    <div class="field">
                        <label for="field-allowed_origins">"Other origins that may use sessions"</label>
                        <textarea
                            id="field-allowed_origins"
                            name="allowed_origins"
                            rows="3"
                            placeholder="https://admin.example.com"
                            aria-describedby="field-allowed_origins-hint"
                        >{origins}</textarea>
                        <p class="field-hint" id="field-allowed_origins-hint">
                            "One per line. Your app's own origin may always use sessions; links in mails to your users go only to origins listed here, so list your app's too."
                        </p>
                        <p class="field-error" role="alert" hidden=move || field_error("allowed_origins")().is_none()>{field_error("allowed_origins")}</p>
                    </div>
                </fieldset>
                <fieldset class="fieldset" disabled=!can_change>
                    <legend>"Mail"</legend>
                    {mail_off.then(|| view! {
                        <p class="alert alert-warning" role="status">
                            "Mail is off on this server (BANATA_SMTP_URL is unset): your users get no verification or password reset mails. Mark users verified on the Users page or with the admin API."
                        </p>
                    })}
                    <Field
                        label="Sender name"
                        name="mail_sender_name"
                        required=false
                        maxlength=SENDER_NAME_MAX
                        value=current.mail_sender_name.clone().unwrap_or_default()
                        hint="Who verification and password reset mails to your users are from. Empty: the project's name."
                        error=Signal::derive(field_error("mail_sender_name"))
                    />
                    <MailOriginField
                        chosen=current.mail_link_origin.clone()
                        allowed=current.allowed_origins.clone()
                        error=Signal::derive(field_error("mail_link_origin"))
                    />
                </fieldset>
                <fieldset class="fieldset" disabled=!can_change>
                    <legend>"Organizations"</legend>
                    <label class="checkbox">
                        <input type="checkbox" name="org_creation_open" value="1" checked=current.org_creation_open />
                        "Users may create organizations"
                    </label>
                    <Field
                        label="Invitation page"
                        name="org_invitation_path"
                        required=false
                        maxlength=200
                        value=current.org_invitation_path.clone().unwrap_or_default()
                        hint="The page of your app an invitation mail links to, at the mail origin, {id} standing for the invitation. Empty: /accept-invitation/{id}."
                        error=Signal::derive(field_error("org_invitation_path"))
                    />
                </fieldset>
                {can_change.then(|| view! {
                    <div class="form-actions">
                        <button type="submit" class="button button-primary" data-busy="Saving…">
                            "Save"
                        </button>
                    </div>
                })}
            </ActionForm>
            <p class="alert alert-success" role="status" hidden=move || !saved()>"Saved."</p>
        </section>
    }
}

/// Which allowed origin the links in mails point to: a choice among the
/// saved ones (empty: the first).
#[component]
fn MailOriginField(chosen: Option<String>, allowed: Vec<String>, error: Signal<Option<String>>) -> impl IntoView {
    let chosen = chosen.unwrap_or_default();
    let first = allowed.first().cloned();
    let options = allowed
        .iter()
        .map(|origin| {
            let selected = *origin == chosen;
            view! { <option value=origin.clone() selected=selected>{origin.clone()}</option> }
        })
        .collect_view();
    let default_label = match &first {
        Some(first) => format!("The first allowed origin ({first})"),
        None => "None yet: add your app's origin above".to_string(),
    };
    let described_by = move || match error.with(Option::is_some) {
        true => "field-mail_link_origin-hint field-mail_link_origin-error",
        false => "field-mail_link_origin-hint",
    };
    view! {
        <div class="field">
            <label for="field-mail_link_origin">"Links in mails go to"</label>
            <select
                id="field-mail_link_origin"
                name="mail_link_origin"
                class="select"
                aria-describedby=described_by
                aria-invalid=move || error.with(Option::is_some).then_some("true")
            >
                <option value="" selected=chosen.is_empty()>{default_label}</option>
                {options}
            </select>
            <p class="field-hint" id="field-mail_link_origin-hint">
                "Verification and password reset links point here, whichever host a request came through."
            </p>
            <p class="field-error" id="field-mail_link_origin-error" role="alert" hidden=move || error.with(Option::is_none)>
                {move || error.get()}
            </p>
        </div>
    }
}

/// Where a backend that verifies the project's JWTs itself finds its keys.
#[component]
fn TokenVerification(issuer: String) -> impl IntoView {
    let jwks = format!("{issuer}/jwks");
    view! {
        <section class="card form-card" aria-labelledby="token-verification">
            <h2 id="token-verification">"Verifying tokens"</h2>
            <p class="muted">
                "The JWTs your backend gets from convex/token are signed with this project's own keys. Give a verifier the issuer and the key set; "
                <code>"aud"</code> " is the project's id."
            </p>
            <dl class="facts facts-inline">
                <div>
                    <dt>"Issuer"</dt>
                    <dd><code class="mono">{issuer}</code></dd>
                </div>
                <div>
                    <dt>"Key set (JWKS)"</dt>
                    <dd><code class="mono">{jwks}</code></dd>
                </div>
            </dl>
        </section>
    }
}

/// A whole number in `range`, with its hint and its error tied to it for
/// screen readers.
#[component]
fn NumberField(
    label: &'static str,
    name: &'static str,
    range: std::ops::RangeInclusive<u32>,
    value: u32,
    hint: String,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let id = format!("field-{name}");
    let (hint_id, error_id) = (format!("{id}-hint"), format!("{id}-error"));
    let described_by = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || match error.with(Option::is_some) {
            true => format!("{hint_id} {error_id}"),
            false => hint_id.clone(),
        }
    };
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input
                id=id
                name=name
                type="number"
                inputmode="numeric"
                min=*range.start()
                max=*range.end()
                required=true
                value=value
                aria-invalid=move || error.with(Option::is_some).then_some("true")
                aria-describedby=described_by
            />
            <p class="field-hint" id=hint_id>{hint}</p>
            <p class="field-error" id=error_id role="alert" hidden=move || error.with(Option::is_none)>
                {move || error.get()}
            </p>
        </div>
    }
}
