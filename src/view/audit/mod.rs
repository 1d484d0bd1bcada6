//! The audit in the interactive view: findings per node, kept in a side table
//! (the tree's 32-byte nodes stay as they are), live counts for the panel,
//! the finding and baseline filters, and `n`/`N` over their matches.
//!
//! # Where the facts come from
//!
//! * Findings that need only `lstat` (setuid, setgid, world-writable, …) and
//!   `unreadable` are decided from each batch as it is applied: they cost the
//!   scan nothing.
//! * `orphan-owner` needs NSS, which the interface's thread must not wait
//!   for: each distinct uid and gid is sent once to the name thread
//!   ([`crate::view::Effect::ResolveOwner`]); when an id comes back without a name, the
//!   nodes owned by it are marked (a sweep per unnamed id — there are few),
//!   and later nodes are checked against the cache as they arrive.
//! * `capabilities`, `acl`, `dangling-symlink` and `symlink-outside-root`
//!   need an `llistxattr` per entry and the symlinks followed, which makes a
//!   scan about 1.6 times as costly. A plain scan does not gather them: the
//!   first time the panel opens, a second scan of the same roots with those
//!   facts (the *audit pass*) starts, after the main scan has finished, and
//!   its entries are matched to the tree's nodes by name.
//! * With `--baseline`, each entry is compared as it arrives (type, mode,
//!   owner, group — the TUI compares no findings).

mod judge;
mod panel;
mod pass;
mod table;

pub use judge::{
    forget_removed, mark_unreadable, observe_batch, observe_unreadable, owner_resolved, rejudge,
    rejudge_entry,
};
pub use panel::{clear_filter, on_panel_key, open_panel, search_key, set_filter};
pub use pass::{main_scan_finished, on_pass_event, request_pass};
pub use table::{AuditFilter, AuditState, PanelEntry, PassOptions, PassState, pass_findings};

#[cfg(test)]
mod tests;
