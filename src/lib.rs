//! # statree
//!
//! A terminal file explorer for people who need to *see* a filesystem: a
//! parallel scan that streams into an in-memory tree, every field of `stat`
//! for any entry, and a scriptable command line over the same scanner.
//!
//! ## Module map
//!
//! * [`scan`] — the parallel scanner. jwalk walks the roots on a thread pool
//!   of the scanner's own; every `fstatat` runs on those workers, relative to
//!   an open directory handle, and whole directories travel as owned
//!   [`scan::Batch`]es over a bounded channel. The engine is private to the
//!   module.
//! * [`model`] — the arena [`model::Tree`] the batches are applied to (32 bytes
//!   per node plus its name, children in contiguous ranges, directory
//!   aggregates kept current as batches arrive), mode-bit helpers, and the
//!   full [`model::FullStat`] record read fresh on demand; [`model::TreeOp`]
//!   edits the tree in place (upsert, remove, rename, restat, re-scan of one
//!   directory) with the aggregates kept exact.
//! * [`output`] — the non-interactive outputs: `--list`, `--json`, `--summary`,
//!   and the `--audit` report.
//! * [`audit`] — security findings as pure predicates over an entry's facts
//!   (gathered by the scan only when an audit asks), file-capability decoding,
//!   the symlink-outside-root rule, and the `--baseline` comparison.
//! * [`view`] — the interactive model ([`view::State`]) and the pure
//!   [`view::update()`] that applies every message to it and returns effects;
//!   the visible-row index, the editing actions (marks, prompts with a
//!   byte-exact line editor, confirmations, the permission editor) and the
//!   one vocabulary of filesystem changes ([`view::Change`]) that actions and
//!   the watcher report and the model applies as tree operations; and the
//!   audit's findings per node (a side table: nodes stay 32 bytes), its
//!   counts and filters.
//! * [`ui`] — widgets that borrow the state for one frame and draw only the
//!   rows on screen; the pane layout as a pure function of the size.
//! * [`tui`] — the terminal guard (Drop, panic hook, suspend, handing the
//!   terminal to an editor or pager) and the event loop: drain every queued
//!   message, update, run effects, draw at most once per frame interval.
//!   Confirmed actions run on an action thread ([`tui::ops`]), re-scans of one
//!   directory on scanners of their own, and the watcher follows the open
//!   directories ([`tui::live`]); the audit pass gathers xattrs and symlink
//!   facts on a second scan.
//! * [`fsops`] — the only code that changes the filesystem (chmod, rename,
//!   create, remove, trash), and the counts on disk the delete, trash and
//!   recursive-chmod confirmations show (never the scan's figures, which may
//!   be older than the disk): identity re-checked before acting, symlinks
//!   never followed, no clobbering, handle-relative walks.
//! * [`watch`] — live updates: debounced, non-recursive inotify watches on the
//!   open directories, reported as fresh `lstat`s of the names that changed.
//! * [`keymap`], [`config`], [`theme`], [`preview`] — the key table (also the
//!   source of the help overlay), the TOML config file, colours (`LS_COLORS`,
//!   `NO_COLOR`), and the capped, non-blocking preview read.
//! * [`sanitize`] — the one sanitizer every name passes through before it
//!   reaches a terminal or a line-oriented listing.
//! * [`cli`] — the command-line definition.
//! * [`fmt`] — text for people: sizes, digit groups, ages, column fitting,
//!   RFC 3339 and local times (a leaf every layer may use).
//! * [`error`], [`names`] — typed errors, cached uid/gid names.
//!
//! ## Invariants
//!
//! * A parallel scan and a plain serial walk of the same tree give the same
//!   entries with the same metadata.
//! * The scanner never follows a symlink unless asked; with following on, a
//!   directory that is its own ancestor (by device and inode) is reported as a
//!   loop and not entered.
//! * A failure on one entry becomes an error mark on that entry (counted, with
//!   the operation and the reason), never an abort.
//! * A parent's batch always arrives before its children's, so the tree can be
//!   read — and is consistent — after every applied event.
//! * No byte of a file name reaches a terminal without passing [`sanitize`].
//! * The interface's thread does no filesystem I/O except the `statx` of the
//!   selected entry, the capped preview read of a regular file, and the
//!   `statx` of a file the editor hands back; actions that change files run
//!   on a thread of their own. A frame reads only the rows on screen.
//! * A destructive action acts on exactly the entry the user was shown
//!   (device, inode and type re-checked) or on nothing, with a message.
//! * The audit's extra facts (xattrs, symlink targets) come from a second
//!   scan on the scanner's threads, owner names from the name-lookup thread.

pub mod audit;
pub mod cli;
pub mod config;
pub mod error;
pub mod exec;
pub mod fmt;
pub mod fsops;
pub mod keymap;
pub mod model;
pub mod names;
pub mod output;
pub mod preview;
pub mod sanitize;
pub mod scan;
pub mod theme;
pub mod tui;
pub mod ui;
pub mod view;
pub mod watch;
