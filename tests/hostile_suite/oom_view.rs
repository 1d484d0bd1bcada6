//! The interface under a `ulimit -v` too small for the tree (issue 14 §5):
//! the real binary in a pseudo-terminal says "out of memory after N
//! entries", the entries read stay browsable (a key moves the selection),
//! and `q` leaves the terminal restored, where it used to abort with the
//! alternate screen still on.
//!
//! The limit is found as in `oom.rs` (the smallest that scans a one-file
//! tree, plus 40 MB), with no `MALLOC_ARENA_MAX`: statree keeps its threads
//! on one malloc arena itself under an address-space limit.

use std::ffi::OsStr;
use std::time::Duration;

use crate::oom::{baseline_limit_kib, build_big_tree};
use crate::tui_support::PtySession;

const OOM_SHOWN: Duration = Duration::from_secs(120);
const STEP: Duration = Duration::from_secs(10);
const EXIT: Duration = Duration::from_secs(10);

/// The selection's position in the status line ("3/601"): the number
/// before the slash whose both sides are digits (commas grouped).
fn position(screen: &str) -> Option<u64> {
    screen.lines().rev().find_map(|line| {
        line.split_whitespace().find_map(|word| {
            let (at, of) = word.split_once('/')?;
            let digits =
                |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit() || c == ',');
            (digits(at) && digits(of)).then(|| at.replace(',', "").parse().ok())?
        })
    })
}

#[test]
fn the_view_out_of_memory_says_so_stays_browsable_and_quits_restored() {
    // On tmpfs where there is one: 300,000 files on a busy disk took 100 s.
    let tmp = tempfile::Builder::new()
        .tempdir_in("/dev/shm")
        .or_else(|_| tempfile::TempDir::new())
        .expect("create temp dir");
    let big = tmp.path().join("big");
    let all = build_big_tree(&big);
    let Some(baseline) = baseline_limit_kib(tmp.path()) else {
        eprintln!("skipped: statree does not start under any ulimit -v up to 800 MB here");
        return;
    };
    // Never inherited: the product must not depend on MALLOC_ARENA_MAX.
    let script =
        format!("unset MALLOC_ARENA_MAX; ulimit -v {} && exec \"$0\" \"$1\"", baseline + 40_000);
    let statree = OsStr::new(env!("CARGO_BIN_EXE_statree"));
    let args = [OsStr::new("-c"), OsStr::new(&script), statree, big.as_os_str()];
    let mut pty = PtySession::spawn_program(OsStr::new("sh"), &args, tmp.path(), &[]);

    let screen = pty.wait_for_text("out of memory after ", OOM_SHOWN);
    let said = screen
        .split("out of memory after ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .map(|n| n.replace(',', ""))
        .and_then(|n| n.parse::<u64>().ok())
        .unwrap_or_else(|| panic!("no entry count in the message:\n{screen}"));
    assert!(said > 0 && said < all, "{said} of {all} entries:\n{screen}");

    // Still answering keys: the selection moves down, then back up.
    let first = pty.wait_for("the selection's position", STEP, |s| position(s).is_some());
    let at = position(&first).expect("position");
    pty.send(b"j");
    pty.wait_for("the selection one row down", STEP, |s| position(s) == Some(at + 1));
    pty.send(b"k");
    pty.wait_for("the selection back up", STEP, |s| position(s) == Some(at));

    pty.send(b"q");
    let status = pty.wait_exit(EXIT);
    // Exit 1 says the scan was incomplete; an abort is a signal, not a code.
    assert!(matches!(status.exit_code(), 0 | 1), "{status:?}");
    assert!(status.signal().is_none(), "{status:?}");
    pty.assert_restored();
}
