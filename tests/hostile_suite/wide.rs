//! One directory with a million entries (and a 200,000-entry variant that
//! runs in CI): the scan streams it in bounded slices, the model stays within
//! its per-entry memory budget, and the view answers keys while the batches
//! pour in.

use std::ffi::OsStr;
use std::time::{Duration, Instant};

use statree::keymap::KeyMap;
use statree::model::DirState;
use statree::scan::{self, Parent, ScanEvent};
use statree::view::{Msg, State, ViewOptions, update};

use crate::common::{Sentinel, options, run_statree, summary_value, wide_dir, with_timeout};
use crate::tui_support::{Harness, key_event};

/// The most entries one batch may carry (the scanner's slice size).
const SLICE: usize = 2048;
/// Bytes of model per entry the design allows.
const BYTES_PER_ENTRY: usize = 64;

/// What the streamed scan looked like from the consumer's side.
struct Streamed {
    wide_batches: usize,
    largest_batch: usize,
    /// Entries received when the first batch of the wide directory arrived.
    before_first: u64,
    first_at: Duration,
    finished_at: Duration,
    keys: usize,
    heap_per_entry: usize,
    entries: u64,
}

/// `1234567` as `1,234,567`, as the status bar writes it.
fn group_digits(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Feeds a real scan of `root` through the view's `update`, pressing a key
/// every few batches and checking that each one took effect.
fn stream_through_the_view(root: std::path::PathBuf, n: usize) -> Streamed {
    let started = Instant::now();
    let handle = scan::start(options(&[&root], 2)).expect("start the scan");
    let mut state = State::new(KeyMap::default(), ViewOptions::default(), Instant::now());
    state.screen.size = (100, 30);
    let mut out = Streamed {
        wide_batches: 0,
        largest_batch: 0,
        before_first: 0,
        first_at: Duration::ZERO,
        finished_at: Duration::ZERO,
        keys: 0,
        heap_per_entry: 0,
        entries: 0,
    };
    let mut received = 0u64;
    let press = |state: &mut State, key: &str| {
        drop(update(state, Msg::Key(key_event(key))));
        state.refresh_rows();
    };
    let mut next_keys = 1;
    let mut rounds = 0;
    loop {
        // One turn of the event loop: wait for an event, drain what is
        // queued, then refresh the rows once.
        let first = handle
            .events()
            .recv_timeout(Duration::from_secs(60))
            .expect("the scan went quiet for 60 s");
        let mut turn = vec![first];
        while turn.len() < 64 {
            match handle.events().try_recv() {
                Ok(event) => turn.push(event),
                Err(_) => break,
            }
        }
        state.screen.now = Instant::now();
        let mut finished = false;
        for event in turn {
            finished |= matches!(event, ScanEvent::Finished { .. });
            let mut new_root = false;
            if let ScanEvent::Batch(batch) = &event {
                out.largest_batch = out.largest_batch.max(batch.entries.len());
                match batch.parent {
                    Parent::Root(_) => new_root = true,
                    Parent::Dir(_) => {
                        if out.wide_batches == 0 {
                            out.before_first = received;
                            out.first_at = started.elapsed();
                            assert!(state.scan.finished.is_none());
                        }
                        out.wide_batches += 1;
                    }
                }
                received += batch.entries.len() as u64;
            }
            drop(update(&mut state, Msg::Scan(event)));
            if new_root {
                let root = state.tree.roots().next().unwrap();
                assert!(state.rows.is_expanded(root), "the root opens as it arrives");
            }
        }
        state.refresh_rows();
        if finished {
            out.finished_at = started.elapsed();
            break;
        }
        // Every 16 batches of the directory: keys, and their effects.
        if out.wide_batches >= next_keys && state.rows.len() > 3 {
            next_keys = out.wide_batches + 16;
            rounds += 1;
            let before = state.cursor.row;
            press(&mut state, "j");
            assert_eq!(state.cursor.row, before + 1, "j moves down mid-scan");
            // A new sort re-sorts every row: now and then, not every time.
            if rounds % 8 == 1 {
                let sort = state.rows.options.sort;
                press(&mut state, "s");
                assert_ne!(state.rows.options.sort, sort, "s changes the sort mid-scan");
                out.keys += 1;
            }
            // The selection follows its entry to wherever the new order puts it.
            let here = state.cursor.row;
            assert!(here > 0, "a child stays selected");
            press(&mut state, "k");
            assert_eq!(state.cursor.row, here - 1, "k moves up mid-scan");
            out.keys += 2;
        }
    }
    let tree = &state.tree;
    let root = tree.roots().next().unwrap();
    assert_eq!(tree.dir(root).unwrap().state, DirState::Complete);
    assert_eq!(tree.dir(root).unwrap().total_entries, n as u64);
    assert_eq!(tree.dropped_batches(), 0);
    out.entries = tree.totals().entries;
    out.heap_per_entry = tree.heap_bytes() / tree.len();
    out
}

fn wide_directory_streams(n: usize) {
    let started = Instant::now();
    let wide = wide_dir(n);
    eprintln!("created {n} entries in {:.1} s", started.elapsed().as_secs_f64());
    let sentinel = Sentinel::beside(wide.tmp.path());
    let root = wide.path.clone();
    let s = with_timeout(240, "the streamed scan", move || stream_through_the_view(root, n));
    eprintln!(
        "first batch after {:.2} s, finished after {:.2} s; {} batches; {} keys; {} B/entry",
        s.first_at.as_secs_f64(),
        s.finished_at.as_secs_f64(),
        s.wide_batches,
        s.keys,
        s.heap_per_entry
    );
    assert_eq!(s.entries, n as u64 + 1);
    assert!(s.largest_batch <= SLICE, "a batch of {} entries", s.largest_batch);
    assert!(s.wide_batches >= n / SLICE, "{} batches: not streamed in slices", s.wide_batches);
    assert!(s.before_first < n as u64 / 4, "{} entries before the first batch", s.before_first);
    assert!(s.first_at < s.finished_at);
    assert!(s.keys >= 8, "only {} keys pressed mid-scan", s.keys);
    assert!(s.heap_per_entry <= BYTES_PER_ENTRY, "{} bytes per entry", s.heap_per_entry);

    let out = run_statree([OsStr::new("--summary"), wide.path.as_os_str()]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(summary_value(&out.stdout, "entries"), n as u64 + 1);
    assert_eq!(summary_value(&out.stdout, "files"), n as u64);
    if n <= 200_000 {
        let out = run_statree([OsStr::new("--list"), wide.path.as_os_str()]);
        let lines = out.stdout.split(|b| *b == b'\n').filter(|l| !l.is_empty()).count();
        assert_eq!(lines, n + 1);
        let out = run_statree([OsStr::new("--audit"), wide.path.as_os_str()]);
        let report = String::from_utf8_lossy(&out.stdout);
        assert!(report.contains(&format!("among {} scanned, 0 errors", n + 1)), "{report}");
        // The finished view draws only the rows on screen.
        let mut h = Harness::scan(vec![wide.path.clone()], (100, 30));
        h.press("l");
        h.press("G");
        assert_eq!(h.state.cursor.row, n);
        let last = group_digits(n as u64 + 1);
        let screen = h.screen();
        assert!(screen.contains(&format!(" {last}/{last} ")), "{screen}");
    }
    sentinel.assert_untouched("the wide directory");
}

#[test]
fn a_directory_of_200k_entries_streams() {
    wide_directory_streams(200_000);
}

/// The case: a million entries in one directory. About 50 s in a
/// debug build on two cores (create 20 s, stream through the view 20 s,
/// remove 10 s) — in CI, as the suite must be.
#[test]
fn a_directory_of_a_million_entries_streams() {
    wide_directory_streams(1_000_000);
}
