//! The in-memory model: the arena tree fed by the scanner, mode bits, and the
//! full metadata record read on demand. No terminal code lives here.

pub mod chunked;
pub mod meta;
pub mod mode;
pub mod tree;

pub use meta::FullStat;
pub use mode::FileKind;
pub use tree::{DirInfo, DirState, NodeId, Rescan, RootError, Totals, Tree, TreeOp};
