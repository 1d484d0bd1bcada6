//! The fast `--json` path (records rendered on the scan's workers, copied out
//! by `json::batch::Writer`) against the serial writer it replaced
//! (`json::write_serial`), fed the same events: the same bytes on stdout and
//! stderr, for hostile names, several roots (one given twice), a tree deeper
//! than PATH_MAX, a directory large enough to arrive in slices, and entries
//! and directories that could not be read, and roots that could not be
//! stat-ed.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use statree::error::{Op, ScanError};
use statree::output::ErrorReporter;
use statree::output::json::{batch, write_serial};
use statree::scan::kind::FileKind;
use statree::scan::{self, Batch, EntryKey, EntryStat, Parent, ScanEvent, ScanOptions};

/// Both writers over `events`: (fast out, fast err, serial out, serial err).
fn both(events: Vec<ScanEvent>) -> [Vec<u8>; 4] {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let mut reporter = ErrorReporter::new(&mut err);
    let mut writer = batch::Writer::default();
    for event in &events {
        writer.event(event, &mut out, &mut reporter).unwrap();
    }
    writer.finish(&mut out).unwrap();
    let (tx, rx) = crossbeam_channel::unbounded();
    for event in events {
        tx.send(event).unwrap();
    }
    let (mut serial, mut serial_err) = (Vec::new(), Vec::new());
    write_serial(&rx, &mut serial, &mut ErrorReporter::new(&mut serial_err)).unwrap();
    [out, err, serial, serial_err]
}

/// Scans as `--json` does, the formatter on; every batch must come rendered.
fn scan_events(roots: Vec<PathBuf>) -> Vec<ScanEvent> {
    let options = ScanOptions {
        detail: true,
        threads: 2,
        format: Some(batch::formatter()),
        ..ScanOptions::new(roots)
    };
    let handle = scan::start(options).unwrap();
    let mut events = Vec::new();
    loop {
        let event = handle.events().recv().unwrap();
        let finished = matches!(event, ScanEvent::Finished { .. });
        if let ScanEvent::Batch(batch) = &event {
            assert!(batch.rendered.is_some(), "rendered on the worker");
        }
        events.push(event);
        if finished {
            return events;
        }
    }
}

fn assert_identical(events: Vec<ScanEvent>, min_lines: usize) {
    let [out, err, serial, serial_err] = both(events);
    let lines = out.iter().filter(|&&b| b == b'\n').count();
    assert!(lines >= min_lines, "{lines} records");
    assert_eq!(String::from_utf8_lossy(&out), String::from_utf8_lossy(&serial));
    assert_eq!(out, serial, "byte for byte");
    assert_eq!(err, serial_err, "the same errors on stderr, in the same order");
}

#[test]
fn hostile_names_and_several_roots() {
    let fx = common::fixture();
    let other = common::public_tempdir();
    std::fs::create_dir_all(other.path().join("x/y")).unwrap();
    let roots = vec![fx.root.clone(), other.path().to_path_buf(), fx.root.clone()];
    assert_identical(scan_events(roots), 20);
}

#[test]
fn deeper_than_path_max_and_sliced_directories() {
    let deep = common::deep_tree(300, 20);
    assert_identical(scan_events(vec![deep.root.clone()]), 300);
    let wide = common::wide_dir(20_000);
    assert_identical(scan_events(vec![wide.path.clone()]), 20_000);
}

fn stat(mode: u32) -> EntryStat {
    EntryStat { mode, nlink: 1, uid: 0, gid: 0, size: 3, ino: 7, ..EntryStat::default() }
}

/// Errors of every kind, in batches rendered by the same formatter.
#[test]
fn unreadable_entries_and_directories() {
    let format = batch::formatter();
    let render = |mut batch: Batch| {
        batch.rendered = Some(Box::new((format.0)(&batch)));
        ScanEvent::Batch(batch)
    };
    let denied = ScanError { op: Op::ReadDir, errno: Some(13), reason: "Permission denied".into() };
    let gone =
        ScanError { op: Op::Stat, errno: Some(2), reason: "No such file or directory".into() };
    let root: Arc<Path> = Arc::from(Path::new("/r\n\u{202e}"));
    let mut top = Batch::new(0, Parent::Root(0), Arc::from(Path::new("")), 0, 1);
    top.push(b"/r\n\xff", Some(stat(0o040755)), FileKind::Dir, None, true, false, None);
    let mut kids = Batch::new(1, Parent::Dir(EntryKey { batch: 0, index: 0 }), root, 0, 4);
    kids.push(b"closed", Some(stat(0o040000)), FileKind::Dir, None, true, false, None);
    kids.push(b"vanished\"", None, FileKind::File, Some(gone.clone()), false, false, None);
    kids.push(b"open", Some(stat(0o040755)), FileKind::Dir, None, true, false, None);
    kids.push(b"f", Some(stat(0o100644)), FileKind::File, None, false, false, None);
    let events = vec![
        ScanEvent::RootError { root: 1, path: "/missing".into(), error: gone },
        render(top),
        render(kids),
        ScanEvent::DirError {
            dir: EntryKey { batch: 1, index: 0 },
            path: "/r/closed".into(),
            error: denied,
        },
        // `open` never gets its listing (a cancelled scan): still a line.
        ScanEvent::RootDone(0),
        ScanEvent::Finished { elapsed: std::time::Duration::ZERO },
    ];
    let [out, err, serial, serial_err] = both(events);
    assert_eq!(out, serial);
    assert_eq!(err, serial_err);
    let text = String::from_utf8_lossy(&out);
    assert!(text.contains("\"error\":\"reading directory: Permission denied\"}"), "{text}");
    assert_eq!(text.lines().count(), 5, "{text}");
    assert_eq!(String::from_utf8_lossy(&err).lines().count(), 3);
}
