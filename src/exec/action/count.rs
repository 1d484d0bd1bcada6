//! The count before a removal: what the trash or a permanent delete would
//! take, counted on disk ([`fsops::count_tree`]) on the action thread, and
//! the confirmation's lines built from it. The figures are the ones the
//! delete's result reports (entries, directories included, and their
//! apparent size), so the dialog and the result can be compared.

use std::sync::atomic::AtomicBool;

use crate::fmt::{human_size, quantity};
use crate::fsops::{self, TreeCount};
use crate::model::FileKind;
use crate::view::change::{OpOutcome, OpReport};
use crate::view::request::confirm_keys_line;
use crate::view::request::{OpRequest, Target};

use super::{failure, listed_names};

/// Counts every target; a target that is no longer the entry shown refuses
/// the whole removal (as the removal itself would refuse it).
pub(crate) fn count_removal(
    targets: Vec<Target>,
    permanent: bool,
    cancel: &AtomicBool,
    progress: &dyn Fn(u64),
) -> OpOutcome {
    let mut total = TreeCount::default();
    let mut seen = 0u64;
    for target in &targets {
        let base = seen;
        let step = |n: u64| progress(base + n);
        match fsops::count_tree(&target.path, target.identity, cancel, &step) {
            Ok(counted) if counted.cancelled => return cancelled(),
            Ok(counted) => {
                seen += counted.visited + 1;
                total.entries += counted.entries;
                total.bytes += counted.bytes;
                total.unreadable.extend(counted.unreadable);
                total.mounts_skipped.extend(counted.mounts_skipped);
            }
            Err(e) => {
                let what = if permanent { "nothing removed" } else { "nothing moved to the trash" };
                return OpOutcome::Done(OpReport {
                    summary: failure(what, &e),
                    failed: true,
                    ..OpReport::default()
                });
            }
        }
    }
    let lines = removal_lines(&targets, permanent, &total);
    OpOutcome::Counted {
        will_change: total.entries,
        request: OpRequest::Remove { targets, permanent },
        lines,
    }
}

fn cancelled() -> OpOutcome {
    OpOutcome::Done(OpReport {
        summary: "cancelled while counting: nothing changed".into(),
        failed: true,
        ..OpReport::default()
    })
}

/// The confirmation: the names, then what was counted on disk.
fn removal_lines(targets: &[Target], permanent: bool, counted: &TreeCount) -> Vec<String> {
    let mut lines = listed_names(targets);
    lines.push(String::new());
    let what = quantity(targets.len() as u64, "item", "items");
    let inside = if targets.iter().any(|t| t.identity.kind == FileKind::Dir) {
        format!(", {} in all", quantity(counted.entries, "entry", "entries"))
    } else {
        String::new()
    };
    // Counted as the result will be: every entry, directories too, by
    // apparent size; read from the disk just now, not from the scan.
    lines.push(format!("{what}{inside}, {} apparent (counted on disk)", human_size(counted.bytes)));
    match counted.unreadable.len() {
        0 => {}
        1 => lines.push("1 entry could not be read (what is below it is not counted)".into()),
        n => lines.push(format!(
            "{} could not be read (what is below them is not counted)",
            quantity(n as u64, "entry", "entries")
        )),
    }
    let fate = if permanent { "left in place (not counted)" } else { "not counted" };
    match counted.mounts_skipped.len() {
        0 => {}
        1 => lines.push(format!("1 mount point inside is {fate}")),
        n => lines.push(format!(
            "{} inside are {fate}",
            quantity(n as u64, "mount point", "mount points")
        )),
    }
    if permanent {
        lines.push("This cannot be undone.".into());
    }
    lines.push(confirm_keys_line(!permanent));
    lines
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::error::{FsError, Op};
    use crate::model::{Identity, NodeId};

    fn dir_target(path: &str) -> Target {
        Target {
            id: NodeId(1),
            path: PathBuf::from(path),
            identity: Identity { dev: 1, ino: 2, kind: FileKind::Dir, birth: None },
            mode: 0o040755,
            nlink: 2,
            parents: Vec::new(),
        }
    }

    #[test]
    fn the_dialog_says_what_could_not_be_counted_and_what_is_left_out() {
        let unreadable = |p: &str| FsError {
            op: Op::OpenDir,
            path: PathBuf::from(p),
            source: std::io::Error::from_raw_os_error(13),
        };
        let counted = TreeCount {
            entries: 6,
            bytes: 2048,
            unreadable: vec![unreadable("/t/d/closed"), unreadable("/t/d/shut")],
            mounts_skipped: vec![PathBuf::from("/t/d/mnt")],
            ..TreeCount::default()
        };
        let lines = removal_lines(&[dir_target("/t/d")], true, &counted);
        assert_eq!(
            lines,
            [
                "  /t/d/",
                "",
                "1 item, 6 entries in all, 2.0 KiB apparent (counted on disk)",
                "2 entries could not be read (what is below them is not counted)",
                "1 mount point inside is left in place (not counted)",
                "This cannot be undone.",
                "y: yes    n / Esc / Enter: no",
            ]
        );
        let lines = removal_lines(&[dir_target("/t/d")], false, &counted);
        assert!(lines.contains(&"1 mount point inside is not counted".to_string()), "{lines:?}");
        assert_eq!(lines.last().unwrap(), "y / Enter: yes    n / Esc: no");
    }
}
