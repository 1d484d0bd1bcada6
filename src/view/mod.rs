//! The interactive model and its pure update function: state in, message in,
//! state and effects out. Nothing here touches the terminal or the
//! filesystem, so all of it is tested without either.

pub mod actions;
pub mod audit;
pub mod fresh;
pub mod layout;
pub mod line;
pub mod ops;
pub mod outcomes;
pub mod perm;
pub mod prompt;
pub mod rows;
pub mod search;
pub mod state;
pub mod sweep;
pub mod update;

pub use ops::{Change, OpOutcome, OpReport, OpRequest, Target};
pub use rows::{Row, RowIndex, ViewOptions};
pub use state::{
    Confirm, Effect, Loaded, Mode, NamePrompt, NamePurpose, Prompt, PromptKind, Report, Running,
    State,
};
pub use update::{Msg, update};
