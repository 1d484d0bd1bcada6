//! A confirmed bulk rename: the batch to `fsops`, the result in words and
//! in the journal.

use std::path::Path;

use super::{failure, record};
use crate::fsops::{self, BulkItem};
use crate::model::Identity;
use crate::sanitize;
use crate::view::bulk::BulkLine;
use crate::view::change::{Change, OpReport};

pub(super) fn bulk(dir: &Path, lines: &[BulkLine], dir_parents: &[Option<Identity>]) -> OpReport {
    // The directory and those above it as the preview showed them: one
    // swapped for another directory refuses the batch before any rename.
    if let Err(e) = fsops::check_dir_chain(dir, dir_parents) {
        return OpReport {
            changes: vec![Change::Rescan { dir: e.path.clone() }],
            summary: failure("nothing renamed", &e),
            failed: true,
            ..OpReport::default()
        };
    }
    let items: Vec<BulkItem> = lines
        .iter()
        .map(|l| BulkItem { from: l.from.clone(), to: l.to.clone(), identity: l.identity })
        .collect();
    // Swaps and cycles do not map onto single tree edits: read the
    // directory again.
    let changes = vec![Change::Rescan { dir: dir.to_path_buf() }];
    match fsops::bulk_rename(dir, &items) {
        Ok(done) => {
            let pairs: Vec<_> = done
                .renamed
                .iter()
                .map(|(from, to)| {
                    let identity = items.iter().find(|i| &i.from == from).map(|i| i.identity);
                    (super::join(dir, from), super::join(dir, to), identity)
                })
                .filter_map(|(f, t, id)| id.map(|id| (f, t, id)))
                .collect();
            OpReport {
                changes,
                summary: format!(
                    "renamed {}",
                    crate::fmt::quantity(done.renamed.len() as u64, "entry", "entries")
                ),
                journal: record::moves(&pairs).into_iter().collect(),
                ..OpReport::default()
            }
        }
        Err(failed) => {
            let mut details = Vec::new();
            if failed.rolled_back > 0 {
                details.push(format!(
                    "the batch failed midway; the {} renames done were moved back",
                    failed.rolled_back
                ));
            }
            for (now, was) in &failed.stranded {
                details.push(format!(
                    "could not move back: {} (was {})",
                    sanitize::path(now),
                    sanitize::path(was)
                ));
            }
            OpReport {
                changes,
                summary: failure("nothing renamed", &failed.error),
                failed: true,
                details,
                ..OpReport::default()
            }
        }
    }
}
