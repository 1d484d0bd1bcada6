mod dir_entry;
mod dir_entry_iter;
mod error;
mod index_path;
mod ordered;
mod ordered_queue;
mod read_children;
mod read_dir;
mod read_dir_iter;
mod read_dir_spec;
mod run_context;

use rayon::prelude::*;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::vec;

use index_path::*;
use ordered::*;
use ordered_queue::*;
use read_dir_iter::*;
use run_context::*;

pub use dir_entry::DirEntry;
pub use dir_entry_iter::DirEntryIter;
pub use error::Error;
pub use read_children::ReadChildren;
pub use read_dir::ReadDir;
pub use read_dir_spec::ReadDirSpec;

use crate::{ClientState, Parallelism};
