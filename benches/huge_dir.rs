//! Key latency on a directory of 4,000,000 entries (issue 14 §5).
//!
//! `cargo bench --bench huge_dir [-- ENTRIES]` builds one directory of
//! ENTRIES files (default 4,000,000) in the model, without the filesystem
//! (creating millions of files is minutes of disk work that measures the
//! disk, not the interface), then times `view::update` for the keys that
//! expand and re-sort it, twice: with every sort inline on the interface
//! thread (what the rows did before: `order.big` set past any directory;
//! since issue 11 the order sorted inline is kept like any directory's, so
//! only a key that must sort waits, not every rebuild), and with the
//! stepped sort (the default), where it also times each
//! `SortStep` message — the longest wait a key queued behind the sort sees.
//! A second argument `stepped` skips the inline half (minutes at 4M).

use std::time::{Duration, Instant};

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use statree::config::Config;
use statree::model::tree::huge_dir::add_huge_dir;
use statree::view::{Effect, Msg, State, ViewOptions, update};

/// The shared huge-directory fixture, in the view.
fn build(n: u64) -> State {
    let config = Config::default();
    let mut state = State::new(config.keymap.clone(), ViewOptions::default(), Instant::now());
    state.screen.size = (120, 40);
    add_huge_dir(&mut state.tree, "/huge", n);
    state.rebuild_rows();
    state
}

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

/// Times one update; returns its effects.
fn timed(state: &mut State, msg: Msg, times: &mut Vec<Duration>) -> Vec<Effect> {
    let t = Instant::now();
    let effects = update(state, msg);
    times.push(t.elapsed());
    effects
}

/// Answers the sort's steps until done; returns the steps' times and the
/// total.
fn drain(state: &mut State, mut effects: Vec<Effect>, steps: &mut Vec<Duration>) -> Duration {
    let t = Instant::now();
    while effects.contains(&Effect::SortStep) {
        effects = timed(state, Msg::SortStep, steps);
    }
    t.elapsed()
}

fn summary(label: &str, times: &mut [Duration]) {
    times.sort();
    if times.is_empty() {
        return;
    }
    let median = times[times.len() / 2];
    println!("{label}: n {} median {median:.2?} max {:.2?}", times.len(), times[times.len() - 1]);
}

fn main() {
    let n: u64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(4_000_000);
    let t = Instant::now();
    let mut state = build(n);
    println!(
        "entries {n}: tree built in {:.2?}, tree {} MiB",
        t.elapsed(),
        state.tree.heap_bytes() >> 20
    );
    let only_stepped = std::env::args().nth(2).as_deref() == Some("stepped");
    for stepped in [false, true] {
        if only_stepped && !stepped {
            continue;
        }
        state.rows.order = Default::default();
        if !stepped {
            state.rows.order.big = usize::MAX;
        }
        let (mut expand, mut resort, mut steps, mut totals) = (vec![], vec![], vec![], vec![]);
        let mut move_key = vec![];
        let mut cached = vec![];
        for _ in 0..3 {
            state.cursor.row = 0;
            let e = timed(&mut state, key('h'), &mut vec![]);
            totals.push(drain(&mut state, e, &mut steps));
            state.cursor.row = 0;
            let e = timed(&mut state, key('l'), &mut expand);
            // A key queued behind the sort: answered between two steps.
            timed(&mut state, key('j'), &mut move_key);
            totals.push(drain(&mut state, e, &mut steps));
            for _ in 0..3 {
                let e = timed(&mut state, key('s'), &mut resort);
                totals.push(drain(&mut state, e, &mut steps));
            }
            // Collapse and expand again: the kept order (stepped only).
            state.cursor.row = 0;
            timed(&mut state, key('h'), &mut vec![]);
            state.cursor.row = 0;
            let e = timed(&mut state, key('l'), &mut cached);
            drain(&mut state, e, &mut steps);
        }
        println!(
            "--- {} ---",
            if stepped { "stepped sort (after)" } else { "inline sort (before)" }
        );
        summary("expand key (l) answered in", &mut expand);
        summary("re-sort key (s) answered in", &mut resort);
        summary("move key (j) during the sort", &mut move_key);
        summary("expand again, order kept", &mut cached);
        summary("one sort step", &mut steps);
        summary("sort done after (wall)", &mut totals);
        println!(
            "order cache {} KiB = {:.2} bytes/entry",
            state.rows.order.heap_bytes() >> 10,
            state.rows.order.heap_bytes() as f64 / n as f64
        );
    }
}
