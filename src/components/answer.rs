//! What the server answered a plain form post with, when that answer is
//! shown once and cannot travel in a redirect (a new key, an invitation
//! link, a key test's verdict). The form's handler renders the form's own
//! page with it in context (`http::answer_page`), so the page shows it in
//! place: fresh, and never stored or cached.

use leptos::prelude::*;

#[derive(Clone, Debug)]
pub struct Answer<T>(pub T);

/// The answer of type `T` this page was rendered with, if any.
pub fn use_answer<T: Clone + Send + Sync + 'static>() -> Option<T> {
    use_context::<Answer<T>>().map(|Answer(value)| value)
}

/// The page an answer is rendered as (its URL is the form's POST address).
#[derive(Clone, Debug)]
pub struct AnswerPage(pub String);
