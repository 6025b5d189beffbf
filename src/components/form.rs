//! Forms that post to a plain handler without JavaScript and, with it,
//! send their server action in place.

use leptos::ev::SubmitEvent;
use leptos::form::FromFormData;
use leptos::prelude::*;
use server_fn::ServerFn;

/// The `on:submit` of such a form: instead of posting, reads the form into
/// the action's input and dispatches it. `form` names it in the console
/// when the form cannot be read.
pub fn dispatch_in_place<S>(action: ServerAction<S>, form: &'static str) -> impl Fn(SubmitEvent) + Copy + 'static
where
    S: ServerFn + FromFormData + Send + Sync + Clone + 'static,
    S::Output: Send + Sync + 'static,
    S::Error: Send + Sync + 'static,
{
    move |ev: SubmitEvent| {
        ev.prevent_default();
        match S::from_event(&ev) {
            Ok(input) => {
                action.dispatch(input);
            }
            Err(err) => leptos::logging::error!("{form} form: {err:?}"),
        }
    }
}
