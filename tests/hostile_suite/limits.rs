//! Case 11: the inotify watch limit exhausted (injected: the watcher is
//! capped at one watch, which fails exactly as ENOSPC does). The view says so
//! once, keeps working, and `R` refreshes by hand. The same with the real
//! binary (`STATREE_MAX_WATCHES=0`) is in tests/tui_pty_live.rs.

use std::fs;
use std::time::Duration;

use statree::view::Msg;
use statree::watch::{WatchEvent, Watcher};

use crate::common::{Sentinel, public_tempdir};
use crate::tui_support::Harness;

#[test]
fn the_watch_limit_is_said_once_and_manual_refresh_still_works() {
    let tmp = public_tempdir();
    let sentinel = Sentinel::beside(tmp.path());
    let root = tmp.path().join("tree");
    for dir in ["one", "two", "three"] {
        fs::create_dir_all(root.join(dir)).unwrap();
    }
    let mut h = Harness::scan(vec![root.clone()], (120, 30));

    let (tx, rx) = crossbeam_channel::unbounded();
    let mut watcher = Watcher::new(Duration::from_millis(150), move |event| {
        let _ = tx.send(event);
    })
    .unwrap()
    .with_max_watches(1);
    watcher.watch(&root).unwrap();
    for dir in ["one", "two", "three"] {
        let err = watcher.watch(&root.join(dir)).unwrap_err();
        assert!(err.is_limit(), "{err}");
    }
    // Exactly one LimitReached, whatever the number of refused watches.
    let mut limits = 0;
    while let Ok(event) = rx.recv_timeout(Duration::from_millis(500)) {
        if let WatchEvent::LimitReached { reason, .. } = event {
            limits += 1;
            h.send(Msg::WatchLimit(reason.clone()));
            h.send(Msg::WatchLimit(reason));
        }
    }
    assert_eq!(limits, 1);
    let screen = h.screen();
    assert!(screen.contains("live updates limited"), "{screen}");
    assert!(h.state.jobs.watch_limited);

    // Unwatched: a change in `two` is not reported; R reads it.
    fs::write(root.join("two/late.txt"), "x").unwrap();
    assert!(rx.recv_timeout(Duration::from_millis(400)).is_err(), "no event for `two`");
    let two = h.node("two");
    assert!(h.state.tree.find_child(two, b"late.txt").is_none());
    h.select("two");
    h.press("R");
    let two = h.node("two");
    assert!(h.state.tree.find_child(two, b"late.txt").is_some());
    // The watched root still reports.
    fs::write(root.join("top.txt"), "x").unwrap();
    let event = rx.recv_timeout(Duration::from_secs(5)).expect("the root is still watched");
    assert!(matches!(event, WatchEvent::Changed { .. }), "{event:?}");
    h.send(statree::tui::live::to_msg(event));
    assert!(h.state.tree.find_child(h.root(), b"top.txt").is_some());
    sentinel.assert_untouched("after the watch-limit case");
}
