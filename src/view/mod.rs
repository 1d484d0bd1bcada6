//! The interactive model and its pure update function: state in, message in,
//! state and effects out. Nothing here touches the terminal or the
//! filesystem, so all of it is tested without either.

pub mod audit;
pub mod rows;
pub mod search;
pub mod state;
pub mod update;

pub use rows::{Row, RowIndex, ViewOptions};
pub use state::{Effect, Loaded, Mode, Prompt, PromptKind, State};
pub use update::{Msg, update};
