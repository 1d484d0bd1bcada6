//! A slow or hung filesystem (issue 14 §1), on a FUSE filesystem of the
//! tests' own whose getattr, readlink, read or readdir waits on demand
//! (`tests/fuse_support/`): the interface keeps answering keys while a stat
//! of the selection hangs, waiting costs no CPU, and neither `q` nor a
//! signal waits for a blocked syscall. Skipped, with a message, only where
//! FUSE is not available.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rustix::process::{Pid, Signal, kill_process};

use crate::common::{Sentinel, statree_bin, summary_value};
use crate::fuse_support::{SlowFs, family_cpu_time};
use crate::tui_support::PtySession;

const WAIT: Duration = Duration::from_secs(15);
/// How long a stall lasts in the tests that must not wait for it: longer
/// than any of their deadlines.
const HUNG: Duration = Duration::from_secs(60);
/// CPU the whole process may use over [`STALL`] while a worker waits.
const CPU_BUDGET: Duration = Duration::from_millis(200);
const STALL: Duration = Duration::from_secs(3);

fn pid(raw: u32) -> Pid {
    Pid::from_raw(raw as i32).expect("a real pid")
}

/// The interface on the mount, its tree drawn.
fn interface(fs: &SlowFs) -> PtySession {
    let mut pty = PtySession::spawn(&[fs.path().as_os_str()], fs.dir());
    pty.wait_for("the tree", WAIT, |s| s.contains("slowlink"));
    pty
}

#[test]
fn waiting_for_a_hung_readdir_costs_no_cpu_and_the_summary_is_complete() {
    let Some(fs) = SlowFs::mount(Duration::from_secs(4)) else { return };
    let sentinel = Sentinel::beside(fs.dir());
    fs.arm("readdir");
    let child = Command::new(statree_bin())
        .arg("--summary")
        .arg(fs.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run statree");
    // The readdir of slowdir has begun (the rest takes milliseconds).
    std::thread::sleep(Duration::from_millis(500));
    let before = family_cpu_time(child.id());
    std::thread::sleep(STALL);
    let used = family_cpu_time(child.id()).saturating_sub(before);
    let out = child.wait_with_output().expect("wait for statree");
    assert!(out.status.success(), "{out:?}");
    assert_eq!(summary_value(&out.stdout, "entries"), 8, "{out:?}");
    assert!(
        used <= CPU_BUDGET,
        "{used:?} of CPU over {STALL:?} of waiting (budget {CPU_BUDGET:?})"
    );
    sentinel.assert_untouched("a hung readdir under --summary");
}

#[test]
fn the_interface_costs_no_cpu_while_a_readdir_hangs() {
    let Some(fs) = SlowFs::mount(Duration::from_secs(8)) else { return };
    fs.arm("readdir");
    let mut pty = interface(&fs);
    std::thread::sleep(Duration::from_millis(300));
    let before = family_cpu_time(pty.pid());
    std::thread::sleep(STALL);
    let used = family_cpu_time(pty.pid()).saturating_sub(before);
    assert!(!pty.screen().contains("scanned in"), "the stall ended early:\n{}", pty.screen());
    assert!(
        used <= CPU_BUDGET,
        "{used:?} of CPU over {STALL:?} of waiting (budget {CPU_BUDGET:?})"
    );
    pty.send(b"q");
    assert!(pty.wait_exit(WAIT).success());
}

#[test]
fn q_quits_at_once_while_a_readdir_hangs() {
    let Some(fs) = SlowFs::mount(HUNG) else { return };
    let sentinel = Sentinel::beside(fs.dir());
    fs.arm("readdir");
    let mut pty = interface(&fs);
    std::thread::sleep(Duration::from_millis(300));
    let asked = Instant::now();
    pty.send(b"q");
    let status = pty.wait_exit(Duration::from_secs(3));
    let took = asked.elapsed();
    assert!(status.success(), "{status:?}");
    pty.assert_restored();
    assert!(took < Duration::from_secs(2), "quitting took {took:?}");
    sentinel.assert_untouched("q during a hung readdir");
}

#[test]
fn sigterm_and_sigint_end_the_summary_while_a_readdir_hangs() {
    let Some(fs) = SlowFs::mount(HUNG) else { return };
    fs.arm("readdir");
    for signal in [Signal::TERM, Signal::INT] {
        let mut child = Command::new(statree_bin())
            .arg("--summary")
            .arg(fs.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("run statree");
        std::thread::sleep(Duration::from_millis(500));
        let sent = Instant::now();
        kill_process(pid(child.id()), signal).expect("signal statree");
        let status = loop {
            if let Some(status) = child.try_wait().expect("try_wait") {
                break status;
            }
            if sent.elapsed() > Duration::from_secs(5) {
                let _ = child.kill();
                panic!("{signal:?} did not end statree --summary within 5 s");
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        assert!(!status.success(), "{signal:?}: {status:?}");
        assert!(sent.elapsed() < Duration::from_secs(3), "{signal:?}: {:?}", sent.elapsed());
    }
}

#[test]
fn the_interface_keeps_answering_while_the_selection_cannot_be_read() {
    let Some(fs) = SlowFs::mount(HUNG) else { return };
    let sentinel = Sentinel::beside(fs.dir());
    let mut pty = interface(&fs);
    pty.wait_for("the finished scan", WAIT, |s| s.contains("scanned in"));
    fs.arm("getattr readlink read");
    // Rows: the root, fast, slowdir, slowfile, slowlink. Onto slowfile,
    // past slowdir (whose stat hangs too), and open the preview.
    pty.send(b"jjj");
    pty.wait_for("the pending metadata", WAIT, |s| s.contains("reading…"));
    // Keys answer at once: the help, then back to a readable entry.
    let asked = Instant::now();
    pty.send(b"?");
    pty.wait_for("the help", Duration::from_secs(2), |s| s.contains("Show or hide the preview"));
    let help_took = asked.elapsed();
    pty.send(b"?");
    pty.send(b"kk");
    pty.wait_for("fast's metadata", Duration::from_secs(3), |s| {
        s.contains("/fast") && !s.contains("reading…")
    });
    // The symlink (statx and readlink hang) and the preview of slowfile.
    pty.send(b"jjj");
    pty.wait_for("the pending symlink", Duration::from_secs(3), |s| s.contains("reading…"));
    pty.send(b"kv");
    pty.wait_for("the pending preview", Duration::from_secs(3), |s| s.contains("preview"));
    // Every entry visited above still holds a reader in its call: a
    // readable one is read all the same.
    pty.send(b"gj");
    pty.wait_for("fast's metadata again", Duration::from_secs(3), |s| {
        s.contains("/fast") && s.contains("drwxr-xr-x")
    });
    let asked = Instant::now();
    pty.send(b"q");
    assert!(pty.wait_exit(Duration::from_secs(3)).success());
    assert!(asked.elapsed() < Duration::from_secs(2), "quitting took {:?}", asked.elapsed());
    pty.assert_restored();
    assert!(help_took < Duration::from_secs(1), "the help took {help_took:?}");
    sentinel.assert_untouched("a hung stat of the selection");
}

#[test]
fn opening_a_directory_whose_lookup_hangs_keeps_the_keys_answering() {
    let Some(fs) = SlowFs::mount(HUNG) else { return };
    let mut pty = interface(&fs);
    pty.wait_for("the finished scan", WAIT, |s| s.contains("scanned in"));
    fs.arm("getattr");
    // Open slowdir: its re-listing and its inotify watch look it up.
    pty.send(b"jj");
    pty.wait_for("slowdir selected", WAIT, |s| s.contains("slowdir") && s.contains("reading…"));
    pty.send(b"l");
    std::thread::sleep(Duration::from_millis(300));
    let asked = Instant::now();
    pty.send(b"?");
    pty.wait_for("the help", Duration::from_secs(2), |s| s.contains("Show or hide the preview"));
    let help_took = asked.elapsed();
    pty.send(b"?q");
    assert!(pty.wait_exit(Duration::from_secs(3)).success());
    pty.assert_restored();
    assert!(help_took < Duration::from_secs(1), "the help took {help_took:?}");
}
