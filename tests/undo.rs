//! Undo on temp-dir fixtures, through the action worker as the interface
//! runs it: each action's report records into the journal, and undoing that
//! record puts the old state back — or refuses, with the reason, when the
//! entry is no longer what the action left (mode changed, file replaced by
//! another inode, a created file written to, a name taken again).

mod fsops_support;

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use fsops_support::*;
use statree::exec::action::{execute, record};
use statree::model::NodeId;
use statree::view::journal::{Journal, JournalAction, JournalNote};
use statree::view::owner::ChownRequest;
use statree::view::request::BulkLine;
use statree::view::{OpOutcome, OpReport, OpRequest, Target};

fn run(request: OpRequest) -> OpReport {
    let cancel = no_cancel();
    match execute(request, &cancel, &quiet) {
        OpOutcome::Done(report) => report,
        other => panic!("not done: {other:?}"),
    }
}

fn target(path: &Path) -> Target {
    let md = fs::symlink_metadata(path).unwrap();
    Target {
        id: NodeId(0),
        path: path.to_path_buf(),
        identity: id(path),
        mode: md.mode(),
        nlink: md.nlink(),
        parents: Vec::new(),
    }
}

/// The one record a report made.
fn recorded(report: &OpReport) -> JournalAction {
    match report.journal.as_slice() {
        [JournalNote::Record(action)] => action.clone(),
        other => panic!("expected one record, got {other:?} ({})", report.summary),
    }
}

fn undo(action: JournalAction) -> OpReport {
    run(OpRequest::Undo { seq: 1, action })
}

fn assert_undone(report: &OpReport) {
    assert!(!report.failed, "{}: {:?}", report.summary, report.details);
    assert!(report.summary.starts_with("undone: "), "{}", report.summary);
    assert_eq!(report.journal, [JournalNote::Undone(1)]);
}

fn assert_refused(report: &OpReport, why: &str) {
    assert!(report.failed, "{}", report.summary);
    assert!(report.summary.contains(why), "{why} not in: {}", report.summary);
    assert!(matches!(report.journal.as_slice(), [JournalNote::Refused(1, _)]));
}

#[test]
fn chmod_is_undone_and_an_outside_mode_change_refuses() {
    let tmp = tmp();
    let f = tmp.path().join("f");
    fs::write(&f, b"x").unwrap();
    set_perms(&f, 0o644);
    let chmod =
        |f: &Path| run(OpRequest::Chmod { targets: vec![target(f)], set: 0o100, clear: 0o044 });
    let action = recorded(&chmod(&f));
    assert_eq!(perms(&f), 0o700);
    assert_undone(&undo(action));
    assert_eq!(perms(&f), 0o644);

    let action = recorded(&chmod(&f));
    set_perms(&f, 0o640);
    assert_refused(&undo(action), "its mode changed since: the action left 0700, it is now 0640");
    assert_eq!(perms(&f), 0o640, "nothing changed");
}

#[test]
fn a_file_replaced_by_another_inode_refuses() {
    let tmp = tmp();
    let f = tmp.path().join("f");
    fs::write(&f, b"x").unwrap();
    set_perms(&f, 0o644);
    let action =
        recorded(&run(OpRequest::Chmod { targets: vec![target(&f)], set: 0o100, clear: 0 }));
    fs::remove_file(&f).unwrap();
    fs::write(tmp.path().join("busy"), b"keeps the old inode number taken").unwrap();
    fs::write(&f, b"another").unwrap();
    set_perms(&f, 0o744);
    assert_refused(&undo(action), "not what the action left");
    assert_eq!(perms(&f), 0o744);
}

#[test]
fn chown_is_undone_with_the_setuid_bit_the_kernel_cleared() {
    let Some((uid, gid)) = nobody() else { return };
    let tmp = tmp();
    let f = tmp.path().join("tool");
    fs::write(&f, b"#!/bin/sh\n").unwrap();
    set_perms(&f, 0o4755);
    let request = ChownRequest {
        targets: vec![target(&f)],
        uid: Some(uid),
        gid: Some(gid),
        symlinks: false,
        recursive: None,
    };
    let report = run(OpRequest::Chown(request));
    assert!(report.details.iter().any(|l| l.contains("the kernel cleared setuid")), "{report:?}");
    assert_eq!(fs::metadata(&f).unwrap().uid(), uid);
    assert_eq!(perms(&f) & 0o4000, 0);
    assert_undone(&undo(recorded(&report)));
    let md = fs::metadata(&f).unwrap();
    assert_eq!((md.uid(), md.gid()), (0, 0));
    assert_eq!(perms(&f), 0o4755, "setuid set again after the chown back");

    // Changed by someone else since: refused.
    let request = ChownRequest {
        targets: vec![target(&f)],
        uid: Some(uid),
        gid: None,
        symlinks: false,
        recursive: None,
    };
    let action = recorded(&run(OpRequest::Chown(request)));
    std::os::unix::fs::chown(&f, Some(0), None).unwrap();
    assert_refused(&undo(action), "its owner changed since");
}

#[test]
fn rename_and_move_across_directories_are_undone() {
    let tmp = tmp();
    let d = tmp.path();
    let f = d.join("old");
    fs::write(&f, b"x").unwrap();
    let action =
        recorded(&run(OpRequest::Rename { target: target(&f), new_name: b"new".to_vec() }));
    assert!(d.join("new").exists());
    assert_undone(&undo(action));
    assert_eq!(fs::read(&f).unwrap(), b"x");
    assert!(!d.join("new").exists());

    // A `/` in the name moves it into other directories.
    let action =
        recorded(&run(OpRequest::Rename { target: target(&f), new_name: b"a/b/moved".to_vec() }));
    assert!(d.join("a/b/moved").exists());
    assert_undone(&undo(action.clone()));
    assert_eq!(fs::read(&f).unwrap(), b"x");
    assert!(!d.join("a/b/moved").exists());
    assert!(!d.join("a").exists(), "the directories the rename made went with it");

    // Undone once more: it is not where the action left it any more (nor
    // are the directories it was moved into).
    assert_refused(&undo(action), "changed since it was shown: it no longer exists");
    let action =
        recorded(&run(OpRequest::Rename { target: target(&f), new_name: b"new".to_vec() }));
    assert_undone(&undo(action.clone()));
    assert_refused(&undo(action), "not what the action left");
}

/// A rename into new directories (`/` in the name) is undone with the
/// directories it created: each removed, deepest first, while it is empty
/// and the same directory; one holding something else stays, and the report
/// says so. A directory that was there before is never removed.
#[test]
fn the_undo_of_a_move_into_new_directories_removes_them() {
    let tmp = tmp();
    let d = tmp.path();
    let f = d.join("old");
    fs::write(&f, b"x").unwrap();
    fs::create_dir(d.join("keep")).unwrap();
    let rename = |new: &[u8]| {
        recorded(&run(OpRequest::Rename { target: target(&f), new_name: new.to_vec() }))
    };
    let action = rename(b"keep/n1/n2/moved");
    assert_undone(&undo(action));
    assert_eq!(fs::read(&f).unwrap(), b"x");
    assert!(!d.join("keep/n1").exists(), "the directories the rename created are gone");
    assert!(d.join("keep").is_dir(), "the one that was there before stays");

    // Something else put in a created directory: it stays, with what is in
    // it; the one below it, still empty, goes.
    let action = rename(b"x/y/moved");
    fs::write(d.join("x/other"), b"someone's").unwrap();
    let report = undo(action);
    assert_undone(&report);
    assert!(report.summary.contains("left in place"), "{}", report.summary);
    assert!(report.details.iter().any(|l| l.contains("has entries")), "{:?}", report.details);
    assert_eq!(fs::read(&f).unwrap(), b"x");
    assert!(!d.join("x/y").exists());
    assert_eq!(fs::read(d.join("x/other")).unwrap(), b"someone's");

    // A created directory swapped for another one holding the same file (a
    // hard link): refused as a whole, nothing moved or removed.
    let action = rename(b"p/q/moved");
    fs::rename(d.join("p/q"), d.join("p/q.old")).unwrap();
    fs::create_dir(d.join("p/q")).unwrap();
    fs::hard_link(d.join("p/q.old/moved"), d.join("p/q/moved")).unwrap();
    let report = undo(action);
    assert!(report.failed, "{}", report.summary);
    assert!(d.join("p/q/moved").exists() && d.join("p/q.old/moved").exists());
    assert!(!f.exists());
}

#[test]
fn a_taken_old_name_refuses_the_move_back() {
    let tmp = tmp();
    let f = tmp.path().join("old");
    fs::write(&f, b"x").unwrap();
    let action =
        recorded(&run(OpRequest::Rename { target: target(&f), new_name: b"new".to_vec() }));
    fs::write(&f, b"someone else's").unwrap();
    assert_refused(&undo(action), "its old name is taken again");
    assert_eq!(fs::read(&f).unwrap(), b"someone else's");
    assert_eq!(fs::read(tmp.path().join("new")).unwrap(), b"x");
}

#[test]
fn create_is_undone_unless_written_to() {
    let tmp = tmp();
    let d = tmp.path().to_path_buf();
    let action = recorded(&run(OpRequest::Create { dir: d.clone(), relative: b"x/y/".to_vec() }));
    assert!(d.join("x/y").is_dir());
    assert_undone(&undo(action));
    assert!(!d.join("x").exists());

    let action =
        recorded(&run(OpRequest::Create { dir: d.clone(), relative: b"notes.txt".to_vec() }));
    assert_undone(&undo(action));
    assert!(!d.join("notes.txt").exists());

    let action =
        recorded(&run(OpRequest::Create { dir: d.clone(), relative: b"notes.txt".to_vec() }));
    fs::write(d.join("notes.txt"), b"work").unwrap();
    assert_refused(&undo(action), "written to since it was created");
    assert_eq!(fs::read(d.join("notes.txt")).unwrap(), b"work");
}

#[test]
fn a_bulk_rename_cycle_is_undone_as_a_batch() {
    let tmp = tmp();
    let d = tmp.path();
    for (n, c) in [("a", "A"), ("b", "B"), ("c", "C")] {
        fs::write(d.join(n), c).unwrap();
    }
    let line = |from: &str, to: &str| BulkLine {
        from: from.into(),
        to: to.into(),
        identity: id(&d.join(from)),
    };
    let lines = vec![line("a", "b"), line("b", "c"), line("c", "a")];
    let report =
        run(OpRequest::BulkRename { dir: d.to_path_buf(), lines, dir_parents: Vec::new() });
    assert!(!report.failed, "{}", report.summary);
    assert_eq!(fs::read(d.join("b")).unwrap(), b"A");
    assert_undone(&undo(recorded(&report)));
    for (n, c) in [("a", b"A"), ("b", b"B"), ("c", b"C")] {
        assert_eq!(fs::read(d.join(n)).unwrap(), c);
    }
}

/// The records paste will make: a copy's created entries are removed if
/// unchanged; a cut's moves go back.
#[test]
fn copy_and_move_records_are_undone() {
    let tmp = tmp();
    let d = tmp.path();
    fs::create_dir_all(d.join("dst/copy")).unwrap();
    fs::write(d.join("dst/copy/one"), b"1").unwrap();
    fs::write(d.join("dst/copy/two"), b"2").unwrap();
    let created: Vec<(PathBuf, _)> = ["dst/copy", "dst/copy/one", "dst/copy/two"]
        .iter()
        .map(|p| (d.join(p), id(&d.join(p))))
        .collect();
    let Some(JournalNote::Record(action)) = record::copy(&created) else { panic!() };
    fs::write(d.join("dst/copy/two"), b"changed").unwrap();
    let report = undo(action);
    assert!(report.summary.starts_with("partly undone"), "{}", report.summary);
    assert!(!d.join("dst/copy/one").exists());
    assert_eq!(fs::read(d.join("dst/copy/two")).unwrap(), b"changed", "a changed copy stays");
    assert!(d.join("dst/copy").is_dir(), "its directory stays with it");

    fs::create_dir(d.join("src")).unwrap();
    fs::write(d.join("src/m"), b"m").unwrap();
    let from = d.join("src/m");
    let identity = id(&from);
    let to = d.join("dst/m");
    fs::rename(&from, &to).unwrap();
    let Some(JournalNote::Record(action)) = record::moves(&[(from.clone(), to.clone(), identity)])
    else {
        panic!()
    };
    assert_undone(&undo(action));
    assert_eq!(fs::read(&from).unwrap(), b"m");
    assert!(!to.exists());
}

#[test]
fn a_permanent_delete_cannot_be_undone_and_the_journal_says_so() {
    let tmp = tmp();
    let f = tmp.path().join("gone");
    fs::write(&f, b"x").unwrap();
    let report = run(OpRequest::Remove { targets: vec![target(&f)], permanent: true });
    let action = recorded(&report);
    assert!(!action.undoable());
    let mut journal = Journal::default();
    journal.note(JournalNote::Record(action.clone()));
    assert!(journal.next_undo().is_none());
    let text = statree::view::journal::lines(&journal).join("\n");
    assert!(text.contains("cannot be undone: a permanent delete cannot be undone"), "{text}");
    let report = undo(action);
    assert!(report.failed && report.summary.starts_with("cannot undo"), "{}", report.summary);
}

/// The trash needs its own `XDG_DATA_HOME`: in a child process.
#[test]
fn trash_is_undone_by_restoring_from_it() {
    let tmp = tmp();
    let data = tmp.path().join("data");
    fs::create_dir(&data).unwrap();
    let f = tmp.path().join("trashed.txt");
    fs::write(&f, b"keep me").unwrap();
    let env = [("XDG_DATA_HOME", data.as_os_str()), ("FSOPS_PATH", f.as_os_str())];
    let out = run_child("trash_undo", &env, None).unwrap();
    let lines = child_lines(&out, "result ");
    let undone = format!("undone: trashed {}", f.display());
    assert_eq!(lines, ["trashed true", undone.as_str(), "again undo refused"]);
    assert_eq!(fs::read(&f).unwrap(), b"keep me");
    assert!(!data.join("Trash/info/trashed.txt.trashinfo").exists());
}

#[test]
fn child_process_entry() {
    let Some(task) = std::env::var_os(CHILD_TASK) else { return };
    let f = PathBuf::from(std::env::var_os("FSOPS_PATH").expect("FSOPS_PATH"));
    if task == "trash_undo" {
        let report = run(OpRequest::Remove { targets: vec![target(&f)], permanent: false });
        println!("\nresult trashed {}", !f.exists());
        let action = recorded(&report);
        let report = undo(action.clone());
        println!("\nresult {}", report.summary);
        let again = undo(action);
        println!("\nresult again {}", if again.failed { "undo refused" } else { "undone" });
    }
}
