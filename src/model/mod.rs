//! The in-memory model: the arena tree fed by the scanner, mode bits and the
//! arithmetic of a permission change, the identity an action carries, and
//! the full metadata record read on demand. No terminal code and no change to
//! the filesystem lives here.

pub mod chunked;
pub mod identity;
pub mod ids;
pub mod mask;
pub mod meta;
pub mod mode;
pub mod paste;
pub mod tree;

pub use identity::Identity;
pub use meta::FullStat;
pub use mode::FileKind;
pub use tree::{DirInfo, DirState, NodeId, Rescan, RootError, Totals, Tree, TreeOp};
