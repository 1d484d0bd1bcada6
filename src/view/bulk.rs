//! Bulk rename (`E`): the names of the marked entries (or of the selected
//! directory's children) go to the editor one a line; what comes back is
//! checked here — same number of lines, each a valid name, no two alike, none
//! taken by an entry outside the batch — and shown as `old → new` lines to
//! confirm. The editor round trip is the loop's ([`Effect::BulkEdit`]); the
//! renames are `fsops`'s, after the same checks again on disk.

use std::collections::HashSet;
use std::path::PathBuf;

use super::actions::targets;
use super::msg::Effect;
pub use super::request::BulkLine;
use super::request::{OpRequest, confirm_keys_line, confirm_title};
use super::state::{Confirm, Mode, State};
use crate::model::{FileKind, Identity};
use crate::sanitize;

/// The longest name one directory entry can have on Linux.
const NAME_MAX: usize = 255;

/// `E`: asks the loop to open the editor on the names.
pub fn start(state: &mut State) -> Vec<Effect> {
    if state.jobs.running.is_some() {
        state.error("an action is still running: wait, or Esc to cancel it");
        return Vec::new();
    }
    let marked: Vec<_> =
        state.jobs.marks.values().filter(|t| state.tree.is_live(t.id)).cloned().collect();
    let (dir, entries) = if marked.is_empty() {
        let Some(id) = state.selected_node() else { return Vec::new() };
        let dir = if state.tree.kind(id) == FileKind::Dir {
            id
        } else {
            state.tree.parent(id).unwrap_or(id)
        };
        let mut names: Vec<Vec<u8>> =
            state.tree.children(dir).map(|c| state.tree.name(c).to_vec()).collect();
        names.sort();
        (state.tree.path(dir), names.into_iter().map(|n| (n, None)).collect::<Vec<_>>())
    } else {
        let Ok(mut marked) = targets(state) else { return Vec::new() };
        marked.sort_by(|a, b| a.path.cmp(&b.path));
        let dir = marked[0].path.parent().map(PathBuf::from).unwrap_or_default();
        if marked.iter().any(|t| t.path.parent() != Some(dir.as_path())) {
            state.error("bulk rename: the marked entries must be in one directory");
            return Vec::new();
        }
        if marked.iter().any(|t| state.tree.parent(t.id).is_none()) {
            state.error("bulk rename: a scan root cannot be renamed from here");
            return Vec::new();
        }
        let entries = marked
            .iter()
            .map(|t| (state.tree.name(t.id).to_vec(), Some(t.identity)))
            .collect::<Vec<_>>();
        (dir, entries)
    };
    if entries.is_empty() {
        state.error("bulk rename: nothing to rename (the directory is empty)");
        return Vec::new();
    }
    // Taken now, as the entries are shown: the chain the renames re-check,
    // so a parent swapped while the editor is open is refused.
    let dir_parents = match super::change::node_at(&state.tree, &dir) {
        Some(id) => {
            let mut chain = super::shown::parents_of(&state.tree, id);
            chain.push(state.tree.dir_identity(id));
            chain
        }
        None => Vec::new(),
    };
    vec![Effect::BulkEdit { dir, dir_parents, entries }]
}

/// The editor came back (`result`: the decoded lines, or why not): refuse
/// the batch, or open the preview.
pub fn on_edited(
    state: &mut State,
    dir: PathBuf,
    dir_parents: Vec<Option<Identity>>,
    entries: Vec<(Vec<u8>, Identity)>,
    result: Result<Vec<Vec<u8>>, String>,
) -> Vec<Effect> {
    state.screen.needs_draw = true;
    let names = match result {
        Ok(names) => names,
        Err(why) => {
            state.error(format!("nothing renamed: {why}"));
            return Vec::new();
        }
    };
    let others = outside_names(state, &dir, &entries);
    let lines = match check(entries, names, &others) {
        Ok(lines) => lines,
        Err(why) => {
            state.error(format!("nothing renamed: {why}"));
            return Vec::new();
        }
    };
    if lines.iter().all(|l| l.from == l.to) {
        state.message("no name changed");
        return Vec::new();
    }
    let preview = preview_lines(&lines);
    let request = OpRequest::BulkRename { dir, lines, dir_parents };
    let (title, danger) = confirm_title(&request);
    state.mode = Mode::Confirm(Confirm { title, lines: preview, request, danger, scroll: 0 });
    Vec::new()
}

/// Names in `dir` (as the tree knows them) that are not in the batch.
fn outside_names(
    state: &State,
    dir: &std::path::Path,
    entries: &[(Vec<u8>, Identity)],
) -> HashSet<Vec<u8>> {
    let Some(id) = super::change::node_at(&state.tree, dir) else { return HashSet::new() };
    let batch: HashSet<&[u8]> = entries.iter().map(|(n, _)| n.as_slice()).collect();
    state
        .tree
        .children(id)
        .map(|c| state.tree.name(c))
        .filter(|n| !batch.contains(n))
        .map(<[u8]>::to_vec)
        .collect()
}

/// The checks before anything is renamed: one line per entry, each a valid
/// name, no new name twice, none taken by an entry outside the batch.
pub fn check(
    entries: Vec<(Vec<u8>, Identity)>,
    names: Vec<Vec<u8>>,
    outside: &HashSet<Vec<u8>>,
) -> Result<Vec<BulkLine>, String> {
    if names.len() != entries.len() {
        return Err(format!(
            "the edited list has {} lines for {} entries: lines must not be added or removed",
            names.len(),
            entries.len()
        ));
    }
    let mut seen = HashSet::new();
    let mut lines = Vec::with_capacity(entries.len());
    for (n, ((from, identity), to)) in entries.into_iter().zip(names).enumerate() {
        let line = n + 1;
        let shown = sanitize::bytes(&to).into_owned();
        if let Some(why) = invalid(&to) {
            return Err(format!("line {line} (\"{shown}\"): {why}"));
        }
        if !seen.insert(to.clone()) {
            return Err(format!("line {line}: \"{shown}\" is the new name of two entries"));
        }
        if to != from && outside.contains(&to) {
            return Err(format!(
                "line {line}: \"{shown}\" already exists outside the batch (never replaced)"
            ));
        }
        lines.push(BulkLine { from, to, identity });
    }
    Ok(lines)
}

/// Why `name` cannot be a name, if it cannot.
fn invalid(name: &[u8]) -> Option<String> {
    if name.is_empty() {
        Some("a name cannot be empty".into())
    } else if name == b"." || name == b".." {
        Some("\".\" and \"..\" cannot be names".into())
    } else if name.contains(&b'/') {
        Some("a name cannot contain '/'".into())
    } else if name.contains(&0) {
        Some("a name cannot contain a NUL byte".into())
    } else if name.len() > NAME_MAX {
        Some(format!("a name can be at most {NAME_MAX} bytes long; this one has {}", name.len()))
    } else {
        None
    }
}

/// The preview: `old → new` for each changed line, the count of the others.
pub fn preview_lines(lines: &[BulkLine]) -> Vec<String> {
    let changed: Vec<&BulkLine> = lines.iter().filter(|l| l.from != l.to).collect();
    // Every rename is listed: the dialog scrolls its body and keeps the
    // keys line (the last) on screen ([`super::dialog::on_confirm_key`]).
    let mut out: Vec<String> = changed
        .iter()
        .map(|l| format!("  {} → {}", sanitize::bytes(&l.from), sanitize::bytes(&l.to)))
        .collect();
    let same = lines.iter().filter(|l| l.from == l.to).count();
    if same > 0 {
        out.push(format!("  ({same} unchanged)"));
    }
    out.push(String::new());
    out.push(confirm_keys_line(true));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(n: usize) -> Vec<(Vec<u8>, Identity)> {
        let id = |ino| Identity { dev: 1, ino, kind: FileKind::File, birth: None };
        (0..n).map(|i| (format!("f{i:03}").into_bytes(), id(i as u64))).collect()
    }

    #[test]
    fn the_preview_keeps_its_keys_line_on_screen() {
        let names = (0..40).map(|i| format!("g{i:03}").into_bytes()).collect();
        let lines = check(entries(40), names, &HashSet::new()).unwrap();
        let preview = preview_lines(&lines);
        // All 40 renames (the dialog scrolls them), a blank line, the keys.
        assert_eq!(preview.len(), 40 + 2);
        assert_eq!(preview[39], "  f039 → g039");
        assert_eq!(preview.last().unwrap(), &confirm_keys_line(true));
    }

    #[test]
    fn a_swap_passes_and_a_name_outside_the_batch_is_refused() {
        let swap = vec![b"f001".to_vec(), b"f000".to_vec()];
        assert!(check(entries(2), swap, &HashSet::new()).is_ok());
        let outside: HashSet<Vec<u8>> = [b"other".to_vec()].into();
        let err = check(entries(2), vec![b"other".to_vec(), b"f001".to_vec()], &outside);
        assert!(err.unwrap_err().contains("already exists outside the batch"));
        let err = check(entries(2), vec![b"x".to_vec()], &HashSet::new()).unwrap_err();
        assert!(err.contains("has 1 lines for 2 entries"), "{err}");
    }
}
