//! The interactive model and its pure update function: state in, message in,
//! state and effects out. Nothing here touches the terminal or the
//! filesystem, so all of it is tested without either.

pub mod actions;
pub mod audit;
pub mod background;
pub mod bulk;
pub mod change;
pub mod clipboard;
pub mod column_keys;
pub mod columns;
pub mod cursor;
pub mod dialog;
pub mod enter;
pub mod fresh;
pub mod gone;
pub mod goto;
pub mod help;
pub mod imported;
pub mod inspect;
pub mod jobs;
pub mod journal;
pub mod layout;
pub mod line;
pub mod loads;
pub mod merge_roots;
pub mod msg;
pub mod nav;
pub mod open;
pub mod order;
pub mod outcomes;
pub mod owner;
pub mod paste;
pub mod paste_flow;
pub mod perm;
pub mod places;
pub mod progress;
pub mod prompt;
pub mod request;
pub mod root;
pub mod rows;
pub mod scan_in;
pub mod screen;
pub mod search;
pub mod shown;
pub mod sorted;
pub mod state;
pub mod sweep;
pub mod undo;
pub mod update;

pub use change::{Change, OpOutcome, OpReport};
pub use jobs::Running;
pub use msg::{Effect, Loaded, Msg};
pub use request::{OpRequest, Target};
pub use rows::{Row, RowIndex, ViewOptions};
pub use state::{Confirm, Mode, NamePrompt, NamePurpose, Prompt, PromptKind, Report, State};
pub use update::update;
