//! The interactive view on an import (`-f`), on `TestBackend`: every action
//! that would change the filesystem is refused with "imported scan:
//! read-only" (the fixture the export was made of stays on disk, so an
//! action that slipped through would change it), nothing reads the disk
//! (no re-list, re-scan, preview or audit walk), and the metadata pane shows
//! the recorded fields and says they are recorded.

mod tui_support;

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use statree::exec::InlineExecutor;
use statree::import::Import;
use statree::keymap::KeyMap;
use statree::scan::{self, ScanEvent, ScanOptions};
use statree::view::{Effect, Mode, Msg, State, ViewOptions, update};
use tui_support::{FIXED_NOW_UNIX, FIXED_SCAN_TIME, Fixture, Harness, test_theme};

const SIZE: (u16, u16) = (100, 30);

/// The fixture exported by the binary, then imported into a view.
fn imported(fx: &Fixture) -> Harness {
    let file = fx.tmp.path().join("export.json");
    let out = Command::new(env!("CARGO_BIN_EXE_statree"))
        .arg("-o")
        .arg(&file)
        .arg(&fx.root)
        .output()
        .expect("run statree -o");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let import = Import::open(&file).expect("open the export");
    let mut state = State::new(KeyMap::default(), ViewOptions::default(), Instant::now());
    state.screen.size = SIZE;
    state.screen.now_unix = FIXED_NOW_UNIX;
    state.scan.recorded = Some(import.source.recorded().clone());
    let mut io = InlineExecutor::default();
    let options = ScanOptions {
        source: Some(import.source.clone()),
        ..ScanOptions::new(vec![import.root.clone()])
    };
    let handle = scan::start(options).expect("start the import");
    loop {
        let event = handle.events().recv().expect("the import finishes");
        let finished = matches!(event, ScanEvent::Finished { .. });
        let effects = update(&mut state, Msg::Scan(event));
        io.run_effects(&mut state, effects);
        if finished {
            break;
        }
    }
    assert_eq!(import.failure(), None);
    state.scan.finished = Some(FIXED_SCAN_TIME);
    state.rebuild_rows();
    Harness { state, io, theme: test_theme(), roots: vec![import.root], tmp_prefix: None }
}

fn status(h: &Harness) -> String {
    h.state.screen.status.as_ref().map(|m| m.text.clone()).unwrap_or_default()
}

/// Every name under `dir`, recursively, with its size.
fn disk(dir: &Path) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let entry = entry.unwrap();
            let md = entry.path().symlink_metadata().unwrap();
            out.push((entry.path().display().to_string(), md.len()));
            if md.is_dir() {
                stack.push(entry.path());
            }
        }
    }
    out.sort();
    out
}

fn touches_disk(effect: &Effect) -> bool {
    matches!(
        effect,
        Effect::Run { .. }
            | Effect::OpenExternal { .. }
            | Effect::Rescan { .. }
            | Effect::Relist { .. }
            | Effect::CheckDirs { .. }
            | Effect::LoadMeta { .. }
            | Effect::LoadPreview { .. }
            | Effect::StartAuditPass { .. }
    )
}

#[test]
fn every_changing_action_is_refused_on_an_import() {
    let fx = Fixture::new();
    let before = disk(&fx.root);
    let mut h = imported(&fx);
    let entries = h.state.tree.totals().entries;
    assert!(entries > 5, "the import holds the fixture");
    for target in ["gamma.txt", "alpha", "large.log"] {
        for keys in [
            &["d"][..],
            &["D"],
            &["r"],
            &["a"],
            &["p"],
            &["x"],
            &["e"],
            &["o"],
            &["R"],
            &["space", "d"],
        ] {
            h.select(target);
            h.state.screen.status = None;
            let effects = h.press_all(keys);
            assert_eq!(status(&h), "imported scan: read-only", "{target}: {keys:?}");
            assert!(h.state.screen.status.as_ref().unwrap().is_error);
            assert_eq!(h.state.mode, Mode::Normal, "{target}: {keys:?}: no prompt or dialog");
            let bad: Vec<_> = effects.iter().filter(|e| touches_disk(e)).collect();
            assert!(bad.is_empty(), "{target}: {keys:?}: {bad:?}");
            h.press("esc");
        }
    }
    assert_eq!(disk(&fx.root), before, "nothing on disk changed");
    assert_eq!(h.state.tree.totals().entries, entries, "nothing in the tree changed");
}

#[test]
fn browsing_an_import_reads_nothing_from_disk() {
    let fx = Fixture::new();
    let mut h = imported(&fx);
    let mut effects = Vec::new();
    for keys in [&["j", "j", "l", "l", "v", "j", "h"][..], &["!"], &["esc", "i", "i", "G", "g"]] {
        effects.extend(h.press_all(keys));
    }
    let bad: Vec<_> = effects.iter().filter(|e| touches_disk(e)).collect();
    assert!(bad.is_empty(), "{bad:?}");
}

#[test]
fn the_metadata_pane_says_the_fields_are_recorded() {
    let fx = Fixture::new();
    let mut h = imported(&fx);
    h.select("gamma.txt");
    // The metadata on the whole screen: the full layout, long labels.
    h.resize(100, 50);
    h.press("i");
    let screen = h.render(100, 50);
    assert!(screen.contains("recorded"), "{screen}");
    assert!(screen.contains("by statree"), "{screen}");
    assert!(screen.contains("read-only"), "{screen}");
    let size = fs::metadata(fx.root.join("gamma.txt")).unwrap().len();
    assert!(screen.contains(&format!("({size} bytes)")), "the recorded size: {screen}");
    assert!(!screen.contains("reading…"), "answered from the tree: {screen}");
    for field in ["inode", "accessed", "changed", "born"] {
        assert!(!screen.contains(field), "{field} is not recorded: {screen}");
    }
    // The compact layout of the pane beside the tree says it too.
    h.press("i");
    h.resize(80, 24);
    let screen = h.render(80, 24);
    assert!(screen.contains("rec") && screen.contains("statree"), "{screen}");
    assert!(screen.contains("read-only"), "{screen}");
}

#[test]
fn the_status_line_says_an_import_was_read_not_scanned() {
    let fx = Fixture::new();
    let h = imported(&fx);
    let screen = h.render(100, 30);
    assert!(screen.contains("read in"), "{screen}");
    assert!(!screen.contains("scanned in"), "nothing was scanned: {screen}");
}
