//! `/invite/<token>`: see an invitation and accept it.

use super::auth_layout::{action_error, AuthLayout, FormAlert};
use crate::api::project_invitations::{get_invitation, AcceptInvitation};
use crate::domain::percent_encode;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_params_map};

#[component]
pub fn InvitePage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let invitation = Resource::new(token, get_invitation);
    let accept = ServerAction::<AcceptInvitation>::new();
    let error = action_error(accept);
    let here = percent_encode(&use_location().pathname.get_untracked());

    view! {
        <Title text="Invitation" />
        <AuthLayout title="Join a project" subtitle="You have been invited to a Banata project.">
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || {
                    let here = here.clone();
                    Suspend::new(async move {
                        match invitation.await {
                            Err(e) => view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }.into_any(),
                            Ok(inv) => {
                                let summary = view! {
                                    <p class="invite-summary">
                                        "Join " <strong>{inv.project_name.clone()}</strong> " as "
                                        <strong>{inv.role.label()}</strong> "."
                                    </p>
                                    <p class="muted">"This invitation is for " {inv.email.clone()} "."</p>
                                };
                                let action = match inv.signed_in_as {
                                    Some(_) => view! {
                                        <ActionForm action=accept attr:class="form">
                                            <FormAlert error=error />
                                            <input type="hidden" name="token" value=token() />
                                            <button type="submit" class="button button-primary button-block">
                                                "Accept invitation"
                                            </button>
                                        </ActionForm>
                                    }
                                        .into_any(),
                                    None => view! {
                                        <div class="form">
                                            <a class="button button-primary button-block" href=format!("/sign-up?next={here}")>
                                                "Sign up to accept"
                                            </a>
                                            <a class="button button-block" href=format!("/sign-in?next={here}")>
                                                "I have an account: sign in"
                                            </a>
                                        </div>
                                    }
                                        .into_any(),
                                };
                                view! { {summary} {action} }.into_any()
                            }
                        }
                    })
                }}
            </Suspense>
        </AuthLayout>
    }
}
