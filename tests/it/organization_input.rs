//! What the organization endpoints refuse, and that a refusal changes
//! nothing: bad fields, ids that are unknown or another organization's,
//! invitations answered twice, late, canceled or by the wrong person, an
//! organization's domain and member limits; and the invitation mail.

use crate::support;
use crate::support::smtp::SmtpSink;
use crate::support::{answer, assert_refused, sign_up_body, Browser};
use crate::support::{Backend, Tenant, TestApp};
use banata::domain::AuthSettings;
use banata::store::{NewOrgInvitation, Store};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::sync::Arc;

async fn signed_up(app: &TestApp, tenant: &Tenant, email: &str) -> Browser {
    let browser = Browser::new(app, &tenant.key);
    let got = browser.post("/sign-up/email", sign_up_body(email, "correct horse")).await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text);
    browser
}

async fn full(browser: &Browser, org_id: &str) -> Value {
    let got = browser.get(&format!("/organization/get-full-organization?organizationId={org_id}")).await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text);
    got.body
}

/// Changes the project's settings in the store, and has this instance's
/// key cache forget them at once (as the dashboard's change does).
async fn settings(app: &TestApp, store: &Arc<dyn Store>, project_id: &str, settings: AuthSettings) {
    let by = support::actor("usr_test");
    store.projects().set_auth_settings(project_id, &settings, &by, time::OffsetDateTime::now_utc()).await.unwrap();
    app.keys.forget_project(project_id);
}

async fn bad_fields_and_foreign_ids_change_nothing(backend: Backend) {
    let app = TestApp::start(backend).await;
    let store = app.db.store().await;
    let tenant = Tenant::new(&store, "Input").await;
    let ann = signed_up(&app, &tenant, &support::email()).await;
    let made = ann.post("/organization/create", json!({"name": "Keep", "slug": "keep"})).await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.text);
    let org_id = made.body["id"].as_str().unwrap().to_string();
    let other_org = ann.post("/organization/create", json!({"name": "Other", "slug": "other"})).await;
    let other_member = other_org.body["members"][0]["id"].clone();
    let before = full(&ann, &org_id).await;

    let huge = "x".repeat(17 * 1024);
    let cases: Vec<(&str, Value, StatusCode, &str)> = vec![
        ("/organization/create", json!({}), StatusCode::BAD_REQUEST, "VALIDATION_ERROR"),
        ("/organization/create", json!({"name": ""}), StatusCode::BAD_REQUEST, "VALIDATION_ERROR"),
        ("/organization/create", json!({"name": "n".repeat(101)}), StatusCode::BAD_REQUEST, "VALIDATION_ERROR"),
        ("/organization/create", json!({"name": 7}), StatusCode::BAD_REQUEST, "VALIDATION_ERROR"),
        (
            "/organization/create",
            json!({"name": "Dup", "slug": "keep"}),
            StatusCode::BAD_REQUEST,
            "ORGANIZATION_SLUG_ALREADY_EXISTS",
        ),
        (
            "/organization/create",
            json!({"name": "Bad", "slug": "Not A Slug"}),
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
        ),
        (
            "/organization/create",
            json!({"name": "Meta", "metadata": {"blob": huge}}),
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
        ),
        (
            "/organization/create",
            json!({"name": "Meta", "metadata": [1, 2]}),
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
        ),
        ("/organization/create", json!({"name": "Max", "maxMembers": 0}), StatusCode::BAD_REQUEST, "VALIDATION_ERROR"),
        (
            "/organization/create",
            json!({"name": "Dom", "allowedEmailDomains": ["not a domain"]}),
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
        ),
        (
            "/organization/update",
            json!({"organizationId": org_id, "data": {"name": ""}}),
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
        ),
        (
            "/organization/update",
            json!({"organizationId": org_id, "data": {"slug": "other"}}),
            StatusCode::BAD_REQUEST,
            "ORGANIZATION_SLUG_ALREADY_EXISTS",
        ),
        (
            "/organization/update",
            json!({"organizationId": "org_nope", "data": {"name": "X"}}),
            StatusCode::BAD_REQUEST,
            "ORGANIZATION_NOT_FOUND",
        ),
        (
            "/organization/update-member-role",
            json!({"organizationId": org_id, "memberId": other_member, "role": "member"}),
            StatusCode::BAD_REQUEST,
            "MEMBER_NOT_FOUND",
        ),
        (
            "/organization/remove-member",
            json!({"organizationId": org_id, "memberIdOrEmail": other_member}),
            StatusCode::BAD_REQUEST,
            "MEMBER_NOT_FOUND",
        ),
        (
            "/organization/update-member-role",
            json!({"organizationId": org_id, "memberId": "", "role": "member"}),
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
        ),
        (
            "/organization/invite-member",
            json!({"organizationId": org_id, "email": "not-an-email", "role": "member"}),
            StatusCode::BAD_REQUEST,
            "INVALID_EMAIL",
        ),
        (
            "/organization/invite-member",
            json!({"organizationId": org_id, "email": support::email(), "role": "emperor"}),
            StatusCode::BAD_REQUEST,
            "ROLE_NOT_FOUND",
        ),
        (
            "/organization/invite-member",
            json!({"organizationId": org_id, "email": support::email()}),
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
        ),
        (
            "/organization/accept-invitation",
            json!({"invitationId": "inv_nope"}),
            StatusCode::BAD_REQUEST,
            "INVITATION_NOT_FOUND",
        ),
        ("/organization/accept-invitation", json!({}), StatusCode::BAD_REQUEST, "VALIDATION_ERROR"),
        (
            "/organization/set-active",
            json!({"organizationId": "org_nope"}),
            StatusCode::BAD_REQUEST,
            "ORGANIZATION_NOT_FOUND",
        ),
        (
            "/organization/check-slug",
            json!({"slug": "keep"}),
            StatusCode::BAD_REQUEST,
            "ORGANIZATION_SLUG_ALREADY_EXISTS",
        ),
        (
            "/organization/add-member",
            json!({"organizationId": org_id, "userId": "usr_x", "role": "member"}),
            StatusCode::FORBIDDEN,
            "MISSING_PERMISSION",
        ),
        (
            "/organization/has-permission",
            json!({"organizationId": org_id}),
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
        ),
    ];
    for (path, body, status, code) in cases {
        let got = ann.post(path, body.clone()).await;
        assert_eq!((got.status, got.body["code"].as_str()), (status, Some(code)), "{path} {body}: {}", got.text);
    }
    // Not JSON, too big, the wrong content type.
    let not_json = answer(
        ann.request(reqwest::Method::POST, "/organization/create").header("content-type", "application/json").body("{"),
    )
    .await;
    assert_refused(&not_json, StatusCode::BAD_REQUEST, "VALIDATION_ERROR");
    let form = answer(
        ann.request(reqwest::Method::POST, "/organization/create").header("content-type", "text/plain").body("name=x"),
    )
    .await;
    assert_eq!(form.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{}", form.text);
    let big =
        answer(ann.request(reqwest::Method::POST, "/organization/create").json(&json!({"name": "x".repeat(200_000)})))
            .await;
    assert_eq!(big.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(full(&ann, &org_id).await, before, "nothing changed");
    let listed = ann.get("/organization/list").await;
    assert_eq!(listed.body.as_array().map(Vec::len), Some(2), "no organization was made: {}", listed.text);

    // A project that keeps organizations to itself: users may not create them.
    let closed = AuthSettings { org_creation_open: false, ..Default::default() };
    settings(&app, &store, &tenant.project_id, closed).await;
    let refused = ann.post("/organization/create", json!({"name": "Closed"})).await;
    assert_refused(&refused, StatusCode::FORBIDDEN, "YOU_ARE_NOT_ALLOWED_TO_CREATE_A_NEW_ORGANIZATION");
    settings(&app, &store, &tenant.project_id, AuthSettings::default()).await;

    // Another project's user, with that project's key, finds nothing here.
    let elsewhere = Tenant::new(&store, "Elsewhere").await;
    let mallory = signed_up(&app, &elsewhere, &support::email()).await;
    for (path, body) in [
        ("/organization/set-active", json!({"organizationId": org_id})),
        ("/organization/get-full-organization", json!({"organizationId": org_id})),
        ("/organization/invite-member", json!({"organizationId": org_id, "email": support::email(), "role": "member"})),
        ("/organization/delete", json!({"organizationId": org_id})),
    ] {
        let got = mallory.post(path, body).await;
        assert_refused(&got, StatusCode::BAD_REQUEST, "ORGANIZATION_NOT_FOUND");
    }
    // Her cookie with this project's key is no session here either.
    let crossed =
        answer(mallory.http.get(app.url("/api/auth/organization/list")).header("x-api-key", &tenant.key)).await;
    let crossed_ok = crossed.status == StatusCode::UNAUTHORIZED;
    assert!(crossed_ok, "a session of another project: {}", crossed.text);
    assert_eq!(full(&ann, &org_id).await, before);
}

/// Invitations answered twice, late, after cancel, by the wrong person or
/// an unverified address where verification is required; and the
/// organization's domain and member limits.
async fn invitations_are_answered_once_by_their_invitee(backend: Backend) {
    let app = TestApp::start(backend).await;
    let store = app.db.store().await;
    let tenant = Tenant::new(&store, "Invites").await;
    let ann = signed_up(&app, &tenant, &support::email()).await;
    let made = ann
        .post(
            "/organization/create",
            json!({"name": "Acme", "slug": "acme", "allowedEmailDomains": ["acme.test"], "maxMembers": 2}),
        )
        .await;
    let org_id = made.body["id"].as_str().unwrap().to_string();

    let outsider = ann.post("/organization/invite-member", json!({"email": support::email(), "role": "member"})).await;
    assert_refused(&outsider, StatusCode::BAD_REQUEST, "EMAIL_DOMAIN_NOT_ALLOWED");
    let bob_email = format!("bob.{}@acme.test", support::email().split('@').next().unwrap());
    let invited = ann.post("/organization/invite-member", json!({"email": bob_email, "role": "member"})).await;
    assert_eq!(invited.status, StatusCode::OK, "{}", invited.text);
    let canceled = ann.post("/organization/cancel-invitation", json!({"invitationId": invited.body["id"]})).await;
    assert_eq!(canceled.body["status"], "canceled", "{}", canceled.text);
    let bob = signed_up(&app, &tenant, &bob_email).await;
    let late = bob.post("/organization/accept-invitation", json!({"invitationId": invited.body["id"]})).await;
    assert_refused(&late, StatusCode::BAD_REQUEST, "INVITATION_NOT_PENDING");

    // Past its time (made so in the store: no waiting a week).
    let now = time::OffsetDateTime::now_utc();
    let expired = NewOrgInvitation {
        id: format!("inv_expired{}", support::email().split('@').next().unwrap().replace(['.', '-', '_'], "")),
        organization_id: org_id.clone(),
        email: bob_email.clone(),
        roles: vec!["member".into()],
        inviter_id: None,
        expires_at: now - time::Duration::hours(1),
        resend: false,
        mail: None,
    };
    let made_expired = store
        .organization_invitations()
        .create(&tenant.project_id, &expired, &support::key_actor(&tenant.key_id), now - time::Duration::days(8))
        .await
        .unwrap();
    let listed = ann.get(&format!("/organization/list-invitations?organizationId={org_id}&status=expired")).await;
    assert_eq!(listed.body.as_array().map(Vec::len), Some(1), "{}", listed.text);
    let too_late = bob.post("/organization/accept-invitation", json!({"invitationId": made_expired.id})).await;
    assert_refused(&too_late, StatusCode::BAD_REQUEST, "INVITATION_EXPIRED");

    // Verification required after Bob signed up: he proves his address first.
    let invited = ann.post("/organization/invite-member", json!({"email": bob_email, "role": "member"})).await;
    settings(&app, &store, &tenant.project_id, AuthSettings { require_email_verification: true, ..Default::default() })
        .await;
    let unverified = bob.post("/organization/accept-invitation", json!({"invitationId": invited.body["id"]})).await;
    assert_refused(
        &unverified,
        StatusCode::FORBIDDEN,
        "EMAIL_VERIFICATION_REQUIRED_BEFORE_ACCEPTING_OR_REJECTING_INVITATION",
    );
    settings(&app, &store, &tenant.project_id, AuthSettings::default()).await;
    let joined = bob.post("/organization/accept-invitation", json!({"invitationId": invited.body["id"]})).await;
    assert_eq!(joined.status, StatusCode::OK, "{}", joined.text);
    let again = bob.post("/organization/reject-invitation", json!({"invitationId": invited.body["id"]})).await;
    assert_refused(&again, StatusCode::BAD_REQUEST, "INVITATION_NOT_PENDING");

    // Two members: the limit. An invitation beyond it is refused.
    let third = format!("cy.{}@acme.test", support::email().split('@').next().unwrap());
    let full_up = ann.post("/organization/invite-member", json!({"email": third, "role": "member"})).await;
    assert_refused(&full_up, StatusCode::UNPROCESSABLE_ENTITY, "ORGANIZATION_MEMBERSHIP_LIMIT_REACHED");
    let members = ann.get("/organization/list-members").await;
    assert_eq!(members.body["total"], 2, "{}", members.text);
}

/// With mail on and a mail-link origin, the invitation is mailed in the
/// project's name, linking to the app's accept page; without an origin it
/// is not mailed and the app shows its own link.
async fn invitations_are_mailed_to_the_apps_accept_page(backend: Backend) {
    let sink = SmtpSink::start().await;
    let smtp = format!("--smtp-url={}", sink.url());
    let app = TestApp::start_with(backend, &[&smtp, "--mail-from=Banata <no-reply@banata.test>"]).await;
    let store = app.db.store().await;
    let tenant = Tenant::new(&store, "Mailing").await;
    let ann = signed_up(&app, &tenant, &support::email()).await;
    ann.post("/organization/create", json!({"name": "Acme", "slug": "acme"})).await;
    let unmailed = ann.post("/organization/invite-member", json!({"email": support::email(), "role": "member"})).await;
    assert_eq!(unmailed.body["mailed"], false, "no origin to link to: {}", unmailed.text);
    let origin = "https://shop.example.com";
    let with_origin = AuthSettings {
        allowed_origins: vec![origin.to_string()],
        org_invitation_path: Some("/team/join/{id}".into()),
        ..Default::default()
    };
    settings(&app, &store, &tenant.project_id, with_origin).await;
    let bob = support::email();
    let invited = ann.post("/organization/invite-member", json!({"email": bob, "role": "member"})).await;
    assert_eq!(invited.body["mailed"], true, "{}", invited.text);
    let arrived = support::eventually(std::time::Duration::from_secs(20), || async {
        sink.messages().iter().any(|m| m.to.iter().any(|t| t.eq_ignore_ascii_case(&bob)))
    })
    .await;
    assert!(arrived, "the invitation mail arrives");
    let mail = sink.messages().into_iter().find(|m| m.to.iter().any(|t| t.eq_ignore_ascii_case(&bob))).unwrap();
    let link = mail.link("https://");
    assert_eq!(link, format!("{origin}/team/join/{}", invited.body["id"].as_str().unwrap()), "the project's page");
    assert!(mail.subject.contains("Acme") && mail.subject.contains("Mailing"), "{}", mail.subject);

    // Sent again and again, the invitation stands, but one address gets at
    // most five mails an hour from the project.
    let mut mailed = Vec::new();
    for _ in 0..5 {
        let again =
            ann.post("/organization/invite-member", json!({"email": bob, "role": "member", "resend": true})).await;
        assert_eq!(again.status, StatusCode::OK, "{}", again.text);
        mailed.push(again.body["mailed"].as_bool().unwrap());
    }
    assert_eq!(mailed, [true, true, true, true, false], "the sixth mail to one address in an hour is not sent");
}

on_both_backends!(
    bad_fields_and_foreign_ids_change_nothing,
    invitations_are_answered_once_by_their_invitee,
    invitations_are_mailed_to_the_apps_accept_page,
);
