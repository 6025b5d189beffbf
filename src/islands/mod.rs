//! The only parts of the dashboard the browser runs. Every page is rendered
//! on the server and works as plain links and forms; each island here adds
//! one behaviour on top and hydrates on its own (Leptos islands), so a first
//! visit downloads these and nothing else (bench/README.md). `loader.js`
//! starts them.
//!
//! `answer`: a form's answer page takes its page's address; `dialog`: modal dialogs and their Done button; `copy`: Copy buttons;
//! `menu`: the phone menu button and the project filter; `confirm`: the
//! inline confirmation of destructive actions; `expiry`: the key expiry
//! choice; `forms`: busy buttons, and refused forms that keep what was typed.

pub mod answer;
pub mod confirm;
pub mod copy;
pub mod dialog;
pub mod expiry;
pub mod forms;
pub mod menu;
