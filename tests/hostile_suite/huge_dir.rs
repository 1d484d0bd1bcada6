//! A directory of 4,000,000 entries (issue 14 §5): expanding or re-sorting
//! it froze the interface for about 6 s. Now the update that expands or
//! re-sorts returns with the sort still to do, a key pressed meanwhile is
//! answered and moves the selection, then the sort's slices (one per
//! `Msg::SortStep`) finish and the rows are in order; the order costs 4
//! bytes per entry once sorted (8 more while a sort runs).
//!
//! The directory is built in the model, not on disk (millions of files are
//! minutes of disk work), by the shared fixture `add_huge_dir`: a root
//! batch, then the children in the scanner's slices of 2,048 entries with
//! their offset and total, through `Tree::apply_batch`, the path a scanned
//! large directory takes. Structural only: no timing.
//!
//! Cost: about 95 CPU-seconds in the debug profile (building 4 s, the two
//! sorts' 2 × 170 steps the rest), 200 s of wall time on the two shared
//! cores under load. It is not `ignore`d in debug builds: CI runs the debug
//! profile only, where an ignored test would never run at all.

use std::cmp::Ordering;
use std::time::Instant;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use statree::config::{Config, SortKey};
use statree::model::tree::huge_dir::add_huge_dir;
use statree::view::order::STEP_WORK;
use statree::view::rows::compare;
use statree::view::{Effect, Msg, State, ViewOptions, update};

const N: u64 = 4_000_000;
/// The order's memory once sorted, and while a sort runs (see
/// `view::order`), in bytes per entry.
const KEPT: u64 = 4;
const SORTING: u64 = KEPT + 8;

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

/// The rows under the root are in the order the options ask (a linear
/// check: comparing neighbours).
fn assert_sorted(state: &State) {
    let rows = &state.rows.rows()[1..];
    assert_eq!(rows.len() as u64, N);
    for (i, pair) in rows.windows(2).enumerate() {
        let order = compare(&state.tree, &state.rows.options, pair[0].id, pair[1].id);
        assert_ne!(order, Ordering::Greater, "rows {} and {} out of order", i + 1, i + 2);
    }
}

/// The selection moves one row down while the sort is still to finish.
fn a_key_is_answered_mid_sort(state: &mut State) {
    let row = state.cursor.row;
    update(state, key('j'));
    assert_eq!(state.cursor.row, row + 1, "the key was answered");
    assert_eq!(state.selected_node(), Some(state.rows.rows()[row + 1].id));
    assert!(state.rows.sorting(), "before the sort finished");
}

/// Answers `SortStep`s until the sort is done, checking each step's work,
/// the rows and the order's memory between steps; returns how many steps.
fn finish(state: &mut State, mut effects: Vec<Effect>) -> usize {
    let mut steps = 0;
    while effects.contains(&Effect::SortStep) {
        let before = state.rows.order.work;
        effects = update(state, Msg::SortStep);
        let work = state.rows.order.work - before;
        // One step: its slice, plus a rebuild's linear check when it ends.
        assert!(work <= STEP_WORK + 4096 * 16 + 2 * N, "a step compared {work} times");
        assert_eq!(state.rows.len() as u64, N + 1, "every child shows at every step");
        let bytes = state.rows.order.heap_bytes() as u64;
        assert!(bytes <= SORTING * N + 64, "{bytes} bytes while sorting");
        steps += 1;
    }
    steps
}

#[test]
fn four_million_entries_answer_keys_while_they_sort_within_the_order_budget() {
    let config = Config::default();
    let mut state = State::new(config.keymap.clone(), ViewOptions::default(), Instant::now());
    state.screen.size = (100, 30);
    add_huge_dir(&mut state.tree, "/huge", N);
    state.rebuild_rows();
    assert_eq!(state.tree.totals().entries, N + 1);

    // Expanding: the update returns with the rows there, the sort to come.
    let effects = update(&mut state, key('l'));
    assert_eq!(state.rows.len() as u64, N + 1);
    assert!(state.rows.order.work < N, "sorted inline: {} comparisons", state.rows.order.work);
    assert!(effects.contains(&Effect::SortStep), "{effects:?}");
    a_key_is_answered_mid_sort(&mut state);
    let picked = state.selected_node();
    assert!(finish(&mut state, effects) > 1);
    assert!(!state.rows.sorting());
    assert_sorted(&state);
    assert_eq!(state.selected_node(), picked, "the selection stays through the sort");
    let bytes = state.rows.order.heap_bytes() as u64;
    assert!(bytes <= KEPT * N + 64, "{bytes} bytes for the order");

    // Re-sorting (name → size): the same.
    let effects = update(&mut state, key('s'));
    assert_eq!(state.rows.options.sort, SortKey::Size);
    assert!(effects.contains(&Effect::SortStep), "{effects:?}");
    a_key_is_answered_mid_sort(&mut state);
    assert!(finish(&mut state, effects) > 1);
    assert!(!state.rows.sorting());
    assert_sorted(&state);
    let bytes = state.rows.order.heap_bytes() as u64;
    assert!(bytes <= KEPT * N + 64, "{bytes} bytes for the order");
}
