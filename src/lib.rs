//! # statree
//!
//! A terminal file explorer for people who need to *see* a filesystem: a
//! parallel scan that streams into an in-memory tree, every field of `stat`
//! for any entry, and a scriptable command line over the same scanner.
//!
//! ## Module map
//!
//! Each layer imports only those below it (`tests/layers.rs` checks it, and
//! that no two files import each other in a circle):
//!
//! * [`tui`] — the terminal guard (Drop, panic hook, signals, suspend), the
//!   event loop (drain every queued message, update, run effects, draw at
//!   most once per frame interval), input and quit, live watches of the open
//!   directories ([`tui::live`]), the editor/pager hand-over.
//! * [`ui`] — widgets that borrow the state for one frame and draw only the
//!   rows on screen.
//! * [`exec`] — runs the effects: [`exec::Executor`] over a
//!   [`exec::Runner`] ([`exec::Threads`] for the interface, [`exec::Inline`]
//!   for tests); the action worker ([`exec::action`]), the one
//!   scan-to-message forwarder ([`exec::forward`]), owner names on a
//!   bounded queue, the selection's reads on a few reader threads
//!   ([`exec::inspect`]), the editor, pager and opener ([`exec::external`]:
//!   command variables split as a shell would, graphical openers started
//!   detached).
//! * [`view`] — the pure interface: [`view::State`] (one part per concern),
//!   the vocabulary ([`view::msg`]), [`view::update()`] (dispatch only),
//!   navigation ([`view::nav`]), every scan stream applied one way
//!   ([`view::scan_in`]: the tree first, then the audit observes), what an
//!   action asks ([`view::request`]) and what comes back ([`view::change`]),
//!   one file per prompt or dialog, the audit's table, judging and panel
//!   ([`view::audit`]), the pane layout, the undo journal kept in memory
//!   ([`view::journal`]).
//! * [`output`], [`audit`], [`watch`] — the non-interactive outputs
//!   (`--list`, `--json`, `--summary`, the `--audit` report); security
//!   findings as pure predicates, file capabilities, `--baseline`; debounced,
//!   non-recursive inotify watches reported as fresh `lstat`s.
//! * [`import`] — `-f`: an ncdu/gdu export or statree's `--json` output read
//!   as a scan source ([`scan::Source`]): the same batches a walk sends,
//!   streamed in two passes with a depth counter, failures with the byte
//!   offset. The view keeps an import read-only ([`view::imported`]).
//! * [`fsops`] — the only code that changes the filesystem (chmod, chown,
//!   rename, bulk rename, create, remove, trash, undo) and the counts on disk the confirmations show:
//!   identity re-checked before acting, symlinks never followed, no
//!   clobbering, handle-relative walks.
//! * [`model`] — the arena [`model::Tree`] the batches are applied to (32
//!   bytes per node plus its name, children in contiguous ranges, directory
//!   aggregates kept current), [`model::TreeOp`] edits, mode arithmetic,
//!   `Identity`, and the full [`model::FullStat`] record.
//! * [`scan`] — the parallel scanner: jwalk on a pool of its own, every
//!   `fstatat` on its workers relative to an open directory handle, whole
//!   directories as owned [`scan::Batch`]es over a bounded channel. What
//!   jwalk cannot do well is walked handle-relative by `scan/deep.rs`: paths
//!   past `PATH_MAX`, and directories of 256 KiB or more, listed with a
//!   cancel check between `getdents` calls (`scan/listing.rs`); both walks
//!   place every entry through `scan/place.rs`. Every send waits for room or
//!   the cancel, so a cancel alone ends a walk. The file kinds
//!   ([`scan::kind`]) and the symlink-outside-root rule ([`scan::links`])
//!   live here, below everything that names them.
//! * Leaves: [`fmt`] (sizes, digit groups, ages, column fitting, times),
//!   [`sanitize`] (the one sanitizer every name passes before a terminal;
//!   [`sanitize_decode`] reads its escapes back, for the bulk rename),
//!   [`keymap`] (the one action table, also the help), [`config`],
//!   [`error`], [`logging`] (the opt-in log file, never the terminal);
//!   beside them [`theme`], [`preview`] (the capped,
//!   non-blocking read), [`bounded`] (files the user names — config,
//!   baseline — opened without blocking, regular files only, read with a
//!   cap), [`names`] (cached uid/gid names), [`cli`], [`detach`] (the
//!   waiting parent that lets statree exit while a syscall hangs).
//!
//! **One scan batch**: scanner → bounded channel → the loop, within a time
//! budget per turn → `Msg::Scan` → [`view::update()`] →
//! [`view::scan_in`]: [`model::Tree`] applies it, then the audit observes it
//! → the rows are rebuilt at most once per turn → the next frame draws the
//! rows on screen. Re-scans and the audit pass come the same way through
//! [`exec::forward`].
//!
//! **One key press**: the input thread → `Msg::Key` → [`view::update()`]
//! dispatches by mode → the key table names an action → e.g.
//! [`view::actions`] returns `Effect::Run` → [`exec`] runs it on an action
//! thread through [`fsops`] → `Msg::OpDone` with path-level
//! [`view::Change`]s → the tree applies them as edits → one frame.
//!
//! ## Invariants
//!
//! * A parallel scan and a plain serial walk of the same tree give the same
//!   entries with the same metadata.
//! * The scanner never follows a symlink unless asked; with following on, a
//!   directory that is its own ancestor (by device and inode) is reported as a
//!   loop and not entered, and each directory and file (device and inode) is
//!   entered and counted once per root, as `du -L` counts.
//! * A failure on one entry becomes an error mark on that entry (counted, with
//!   the operation and the reason), never an abort.
//! * A parent's batch always arrives before its children's, so the tree can be
//!   read — and is consistent — after every applied event.
//! * No byte of a file name reaches a terminal without passing [`sanitize`].
//! * The interface's thread does no filesystem I/O on a selection or a tick:
//!   the selection's `statx` and `readlink`, its preview and the `lstat`
//!   after the editor run on reader threads ([`exec::inspect`]), so a hung
//!   mount leaves the pane "reading…" and the keys answering; actions that
//!   change files run on a thread of their own. A frame reads only the rows
//!   on screen.
//! * Waiting costs no CPU (the vendored jwalk parks instead of spinning),
//!   and quitting never waits for a blocked syscall: the process the shell
//!   waits for is a small parent that exits as soon as statree is done
//!   ([`detach`]), leaving a worker stuck in a call behind.
//! * No key waits for a huge directory's sort: from [`view::order::BIG_DIR`]
//!   shown children up it advances in bounded slices, one per
//!   `Msg::SortStep`, and its order is kept between rebuilds.
//! * A destructive action acts on exactly the entry the user was shown
//!   (device, inode and type re-checked) or on nothing, with a message: its
//!   row and the pane must agree ([`view::shown`]), and every directory from
//!   the root to its parent is re-checked on the disk first.
//! * The tree grows fallibly: out of memory, it stops with the entries it
//!   holds and the scan is stopped, instead of the process aborting.
//! * The audit's extra facts (xattrs, symlink targets) come from a second
//!   scan on the scanner's threads, owner names from the name-lookup thread.

// No unsafe code of ours: the syscalls std lacks go through rustix, the
// waiting parent is a second start of the executable rather than a fork
// (`detach.rs`), and the user and group database is listed by `getent`
// (`exec/accounts.rs`). tests/packaging.rs checks that nothing allows it.
#![forbid(unsafe_code)]

pub mod arenas;
pub mod audit;
pub mod bounded;
pub mod cli;
pub mod config;
pub mod detach;
pub mod error;
pub mod exec;
pub mod fmt;
pub mod fsops;
pub mod import;
pub mod keymap;
pub mod logging;
pub mod model;
pub mod names;
pub mod output;
pub mod preview;
pub mod sanitize;
pub mod sanitize_decode;
pub mod scan;
pub mod theme;
pub mod tui;
pub mod ui;
pub mod view;
pub mod watch;
