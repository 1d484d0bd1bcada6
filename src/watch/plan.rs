//! The pure half of the watcher: which names in which watched directories a
//! batch of debounced notify events touched. No I/O here, so every rule is
//! unit-tested without inotify.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use notify::event::{AccessKind, AccessMode, ModifyKind, RenameMode};
use notify::{Event, EventKind};

/// What one batch of events asks for, before any `lstat`.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Plan {
    /// Per directory, the names whose state must be read again (deduplicated).
    pub changes: BTreeMap<PathBuf, BTreeSet<Vec<u8>>>,
    /// Directories whose events were lost: re-read them whole.
    pub rescans: BTreeSet<PathBuf>,
    /// Watched directories that were removed or moved away; notify has dropped
    /// (or will drop) their watch, so the watched set must forget them too.
    pub gone: Vec<PathBuf>,
}

/// Maps a batch of events onto the watched directories.
///
/// * An event on `dir/name` with `dir` watched is a change of `name` in `dir`.
/// * An event on a watched directory itself (its own mode, its removal, its
///   move) is a change of its name in its parent directory, watched or not.
/// * Both paths of a rename are changes (the old name reads as gone, the new
///   one as present), so a rename needs no special case downstream.
/// * An event flagged `need_rescan` (inotify queue overflow) turns into a
///   re-read of the watched directories it names, or of all of them when it
///   names none (the overflow event carries no path).
/// * Access events are dropped — reading a watched directory to refresh it
///   would otherwise feed an endless loop — except a close after writing,
///   which is the only trace of a write through `mmap`.
pub(crate) fn plan<'a>(
    events: impl IntoIterator<Item = &'a Event>,
    watched: &HashMap<PathBuf, PathBuf>,
) -> Plan {
    let mut plan = Plan::default();
    for event in events {
        if event.need_rescan() {
            plan_rescan(&mut plan, event, watched);
            continue;
        }
        if !is_change(&event.kind) {
            continue;
        }
        for (i, path) in event.paths.iter().enumerate() {
            if watched.contains_key(path) && removes(&event.kind, i) {
                plan.gone.push(path.clone());
            }
            if let Some((dir, name)) = split(path)
                && (watched.contains_key(path) || watched.contains_key(&dir))
            {
                plan.changes.entry(dir).or_default().insert(name.as_bytes().to_vec());
            }
        }
    }
    plan.gone.sort();
    plan.gone.dedup();
    plan
}

fn plan_rescan(plan: &mut Plan, event: &Event, watched: &HashMap<PathBuf, PathBuf>) {
    if event.paths.is_empty() {
        plan.rescans.extend(watched.keys().cloned());
        return;
    }
    for path in &event.paths {
        if watched.contains_key(path) {
            plan.rescans.insert(path.clone());
        } else if let Some(dir) = path.parent().filter(|dir| watched.contains_key(*dir)) {
            plan.rescans.insert(dir.to_path_buf());
        }
    }
}

/// Whether an event can change what `lstat` says about its paths.
fn is_change(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) | EventKind::Other => false,
        EventKind::Any | EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_) => true,
    }
}

/// Whether the `index`-th path of an event of this kind stops existing there.
fn removes(kind: &EventKind, index: usize) -> bool {
    match kind {
        EventKind::Remove(_) => true,
        EventKind::Modify(ModifyKind::Name(RenameMode::From)) => true,
        EventKind::Modify(ModifyKind::Name(RenameMode::Both)) => index == 0,
        _ => false,
    }
}

/// `dir/name` → (`dir`, `name`); a bare relative name belongs to `.`. `/`
/// and paths ending in `..` have no name in a parent and are skipped.
fn split(path: &Path) -> Option<(PathBuf, &OsStr)> {
    let name = path.file_name()?;
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Some((dir, name))
}

#[cfg(test)]
mod tests {
    use notify::event::{CreateKind, DataChange, EventAttributes, Flag, MetadataKind, RemoveKind};

    use super::*;

    fn event(kind: EventKind, paths: &[&str]) -> Event {
        Event {
            kind,
            paths: paths.iter().map(PathBuf::from).collect(),
            attrs: EventAttributes::new(),
        }
    }

    fn watched(dirs: &[&str]) -> HashMap<PathBuf, PathBuf> {
        dirs.iter().map(|d| (PathBuf::from(d), PathBuf::from(d))).collect()
    }

    fn changes(pairs: &[(&str, &[&str])]) -> BTreeMap<PathBuf, BTreeSet<Vec<u8>>> {
        pairs
            .iter()
            .map(|(dir, names)| {
                (PathBuf::from(dir), names.iter().map(|n| n.as_bytes().to_vec()).collect())
            })
            .collect()
    }

    #[test]
    fn names_are_grouped_by_directory_and_deduplicated() {
        let events = [
            event(EventKind::Create(CreateKind::File), &["/w/a"]),
            event(EventKind::Modify(ModifyKind::Data(DataChange::Any)), &["/w/a"]),
            event(EventKind::Modify(ModifyKind::Metadata(MetadataKind::Any)), &["/v/b"]),
            event(EventKind::Remove(RemoveKind::File), &["/w/c"]),
            event(EventKind::Create(CreateKind::File), &["/w/a"]),
        ];
        let plan = plan(&events, &watched(&["/w", "/v"]));
        assert_eq!(plan.changes, changes(&[("/v", &["b"]), ("/w", &["a", "c"])]));
        assert!(plan.rescans.is_empty());
        assert!(plan.gone.is_empty());
    }

    #[test]
    fn events_outside_watched_directories_are_ignored() {
        let events = [
            event(EventKind::Create(CreateKind::File), &["/elsewhere/a"]),
            event(EventKind::Create(CreateKind::File), &["/w/sub/deeper"]),
        ];
        assert_eq!(plan(&events, &watched(&["/w"])), Plan::default());
    }

    #[test]
    fn access_events_are_dropped_but_a_close_after_write_is_a_change() {
        let events = [
            event(EventKind::Access(AccessKind::Open(AccessMode::Any)), &["/w/r"]),
            event(EventKind::Access(AccessKind::Close(AccessMode::Read)), &["/w/r"]),
            event(EventKind::Access(AccessKind::Open(AccessMode::Any)), &["/w"]),
            event(EventKind::Access(AccessKind::Close(AccessMode::Write)), &["/w/written"]),
            event(EventKind::Other, &["/w/other"]),
        ];
        let plan = plan(&events, &watched(&["/w"]));
        assert_eq!(plan.changes, changes(&[("/w", &["written"])]));
    }

    #[test]
    fn a_rename_changes_both_names_even_across_directories() {
        let events =
            [event(EventKind::Modify(ModifyKind::Name(RenameMode::Both)), &["/w/old", "/v/new"])];
        let plan = plan(&events, &watched(&["/w", "/v"]));
        assert_eq!(plan.changes, changes(&[("/v", &["new"]), ("/w", &["old"])]));
        assert!(plan.gone.is_empty());
    }

    #[test]
    fn an_event_on_the_watched_directory_itself_is_a_change_in_its_parent() {
        let events = [event(EventKind::Modify(ModifyKind::Metadata(MetadataKind::Any)), &["/p/w"])];
        let plan = plan(&events, &watched(&["/p/w"]));
        assert_eq!(plan.changes, changes(&[("/p", &["w"])]));
        assert!(plan.gone.is_empty());
    }

    #[test]
    fn a_removed_or_moved_away_watched_directory_is_gone() {
        let events = [
            event(EventKind::Remove(RemoveKind::Folder), &["/p/w"]),
            event(EventKind::Modify(ModifyKind::Name(RenameMode::From)), &["/p/m"]),
            event(EventKind::Modify(ModifyKind::Name(RenameMode::Both)), &["/p/r", "/p/s"]),
            // The same removal seen from the parent's watch and from its own.
            event(EventKind::Remove(RemoveKind::Any), &["/p/w"]),
        ];
        let set = watched(&["/p", "/p/w", "/p/m", "/p/r", "/p/s"]);
        let plan = plan(&events, &set);
        assert_eq!(plan.gone, ["/p/m", "/p/r", "/p/w"].map(PathBuf::from));
        assert_eq!(plan.changes, changes(&[("/p", &["m", "r", "s", "w"])]));
    }

    #[test]
    fn relative_paths_keep_their_form_and_a_bare_name_lives_in_dot() {
        let events = [
            event(EventKind::Create(CreateKind::File), &["./a"]),
            event(EventKind::Modify(ModifyKind::Metadata(MetadataKind::Any)), &["src"]),
        ];
        let plan = plan(&events, &watched(&[".", "src"]));
        assert_eq!(plan.changes, changes(&[(".", &["a", "src"])]));
    }

    #[test]
    fn the_root_directory_has_no_parent_to_report_in() {
        let events = [event(EventKind::Modify(ModifyKind::Metadata(MetadataKind::Any)), &["/"])];
        assert_eq!(plan(&events, &watched(&["/"])), Plan::default());
    }

    #[test]
    fn names_are_raw_bytes() {
        use std::os::unix::ffi::OsStringExt;
        let name = b"caf\xe9\n".to_vec();
        let path = Path::new("/w").join(std::ffi::OsString::from_vec(name.clone()));
        let events = [Event {
            kind: EventKind::Create(CreateKind::File),
            paths: vec![path],
            attrs: EventAttributes::new(),
        }];
        let plan = plan(&events, &watched(&["/w"]));
        assert_eq!(plan.changes[Path::new("/w")].iter().collect::<Vec<_>>(), [&name]);
    }

    #[test]
    fn an_overflow_without_a_path_rescans_every_watched_directory() {
        let events = [
            event(EventKind::Other, &[]).set_flag(Flag::Rescan),
            event(EventKind::Create(CreateKind::File), &["/w/a"]),
        ];
        let plan = plan(&events, &watched(&["/w", "/v"]));
        assert_eq!(plan.rescans, ["/v", "/w"].map(PathBuf::from).into());
    }

    #[test]
    fn a_rescan_with_paths_rescans_only_their_watched_directories() {
        let events = [event(EventKind::Other, &["/w/a", "/v", "/x/y"]).set_flag(Flag::Rescan)];
        let plan = plan(&events, &watched(&["/w", "/v", "/u"]));
        assert_eq!(plan.rescans, ["/v", "/w"].map(PathBuf::from).into());
        assert!(plan.changes.is_empty());
    }
}
