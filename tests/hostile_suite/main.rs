//! The hostile-tree suite. Each case builds a tree in a temp dir and runs the
//! library scan, the command line (`--list`, `--json`, `--summary`,
//! `--audit`) and a journey through the interactive view over it, asserting:
//! no panic, no hang (every scan and every run has a deadline), complete
//! output for the rest of the tree, the error reported with its path, and
//! nothing outside the tree touched.
//!
//! Cases: hostile names (escapes, bidi and invisible characters, invalid
//! UTF-8, every single-byte name), symlink loops, depth beyond PATH_MAX, a
//! directory of a million entries, entries changing during the scan, special
//! files, a mount inside the tree, hard links and a sparse 1 TiB file, the
//! inotify watch limit exhausted, names that would look alike on a terminal,
//! unbounded inputs (a huge config, a FIFO, device or endless line as
//! baseline), signals (an external SIGTSTP, SIGQUIT, `TERM=dumb`), stale
//! rows and swapped parents under a destructive action, many links to one
//! directory under `-L`, a tree too large for `ulimit -v` (the command
//! line, and the interface in a pseudo-terminal), a directory of 4,000,000
//! entries sorted while the keys answer, renames on
//! overlayfs and on FUSE without stable inode numbers, a slow or hung filesystem (a FUSE filesystem of the tests' own)
//! and smaller faults (a `--cwd-file` error, audit counts against hidden
//! dot-files, plurals).

#[path = "../common/mod.rs"]
mod common;
#[path = "../fuse_support/mod.rs"]
mod fuse_support;
#[path = "../tui_support/mod.rs"]
mod tui_support;

mod churn;
mod deep;
mod follow;
mod huge_dir;
mod inputs;
mod limits;
mod links;
mod mounts;
mod names;
mod oom;
mod oom_view;
mod overlay;
mod parents;
mod paste;
mod signals;
mod sizes;
mod slowfs;
mod smaller;
mod special;
mod stale;
mod wide;
