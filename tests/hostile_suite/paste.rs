//! Paste against racers: an entry yanked in the interface and replaced by a
//! symlink to a sentinel outside the fixture before `P` is refused, and a
//! directory swapped again and again with such a symlink while it is being
//! copied is never followed. Nothing outside the fixture is read or written.

use std::fs;
use std::os::unix::fs::symlink;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use statree::fsops::{self, Meter, PasteItem, PasteMode};
use statree::model::Identity;

use crate::common::Sentinel;
use crate::tui_support::Harness;

#[test]
fn a_yanked_entry_replaced_by_a_symlink_is_refused() {
    let tmp = tempfile::TempDir::new().unwrap();
    let sentinel = Sentinel::beside(tmp.path());
    let root = tmp.path().join("fixture");
    fs::create_dir_all(root.join("src/inner")).unwrap();
    fs::write(root.join("src/inner/f"), b"f").unwrap();
    fs::write(root.join("file"), b"file").unwrap();
    fs::create_dir(root.join("dest")).unwrap();
    let mut h = Harness::scan(vec![root.clone()], (100, 30));
    h.select("src");
    h.press("space");
    h.select("file");
    h.press("space");
    h.press("y");
    assert_eq!(h.state.clipboard.items.len(), 2);
    // The racer: both yanked entries become links out of the fixture.
    fs::remove_dir_all(root.join("src")).unwrap();
    symlink(&sentinel.dir, root.join("src")).unwrap();
    fs::remove_file(root.join("file")).unwrap();
    symlink(&sentinel.file, root.join("file")).unwrap();
    h.select("dest");
    h.press("P");
    let status = h.state.screen.status.as_ref().map(|m| m.text.clone()).unwrap_or_default();
    assert!(status.contains("2 errors"), "{status}");
    let Some(report) = (match &h.state.mode {
        statree::view::Mode::Report(r) => Some(r),
        _ => None,
    }) else {
        panic!("no report: {:?}", h.state.mode)
    };
    assert!(
        report.lines.iter().filter(|l| l.contains("changed since it was shown")).count() == 2,
        "{:?}",
        report.lines
    );
    assert_eq!(fs::read_dir(root.join("dest")).unwrap().count(), 0, "nothing pasted");
    sentinel.assert_untouched("paste after a swap");
}

#[test]
fn a_directory_swapped_during_the_copy_is_never_followed() {
    let tmp = tempfile::TempDir::new().unwrap();
    let sentinel = Sentinel::beside(tmp.path());
    let root = tmp.path().join("fixture");
    let src = root.join("src");
    fs::create_dir_all(src.join("flip")).unwrap();
    for n in 0..200 {
        fs::write(src.join(format!("f{n}")), b"data").unwrap();
    }
    let stop = Arc::new(AtomicBool::new(false));
    let racer = {
        let (stop, src, target) = (stop.clone(), src.clone(), sentinel.dir.clone());
        std::thread::spawn(move || {
            let (real, link) = (src.join("flip"), src.join("flip-link"));
            let _ = symlink(&target, &link);
            while !stop.load(Ordering::Relaxed) {
                // Swap the directory and the link atomically, again and again.
                let _ = rustix::fs::renameat_with(
                    rustix::fs::CWD,
                    &real,
                    rustix::fs::CWD,
                    &link,
                    rustix::fs::RenameFlags::EXCHANGE,
                );
            }
        })
    };
    for round in 0..20 {
        let dest = root.join(format!("dest{round}"));
        fs::create_dir(&dest).unwrap();
        let item = PasteItem {
            source: src.clone(),
            identity: Identity::read(&src).unwrap(),
            parents: Vec::new(),
            on_collision: None,
        };
        let report = fsops::paste(
            &[item],
            &dest,
            PasteMode::Copy,
            &AtomicBool::new(false),
            &Meter::default(),
        )
        .unwrap();
        assert_eq!(report.placed.len(), 1, "{:?}", report.errors);
        // What the copy has under either name is the empty directory or the
        // link itself, never what the link points to.
        for name in ["flip", "flip-link"] {
            let copied = dest.join("src").join(name);
            if let Ok(meta) = fs::symlink_metadata(&copied) {
                if meta.is_dir() {
                    assert_eq!(
                        fs::read_dir(&copied).unwrap().count(),
                        0,
                        "round {round}: followed"
                    );
                } else {
                    assert!(meta.file_type().is_symlink(), "round {round}: {name} is {meta:?}");
                }
            }
        }
    }
    stop.store(true, Ordering::Relaxed);
    racer.join().unwrap();
    sentinel.assert_untouched("copy with a racing swap");
}
