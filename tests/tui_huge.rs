//! A huge directory (issue 14 §5): expanding or re-sorting it answers the
//! key without sorting it inline; the sort goes on in bounded steps, one per
//! `Msg::SortStep`, and the rows are right at every step.

use std::time::Instant;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use statree::config::Config;
use statree::model::NodeId;
use statree::model::tree::huge_dir::add_huge_dir;
use statree::view::order::{BIG_DIR, STEP_WORK};
use statree::view::rows::sort_siblings;
use statree::view::{Effect, Msg, State, ViewOptions, update};

/// Children of the huge directory: several times [`BIG_DIR`].
const N: u64 = 140_000;

/// A root of `N` files, listed in an order unlike any sort, selected (the
/// shared huge-directory fixture).
fn huge() -> State {
    let config = Config::default();
    let mut state = State::new(config.keymap.clone(), ViewOptions::default(), Instant::now());
    state.screen.size = (100, 30);
    add_huge_dir(&mut state.tree, "/huge", N);
    state.rebuild_rows();
    state
}

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

/// The rows under the root, in order.
fn shown(state: &State) -> Vec<NodeId> {
    state.rows.rows()[1..].iter().map(|r| r.id).collect()
}

fn sorted(state: &State) -> Vec<NodeId> {
    let root = state.tree.roots().next().unwrap();
    let mut ids: Vec<NodeId> = state.tree.children(root).collect();
    sort_siblings(&state.tree, &state.rows.options, &mut ids);
    ids
}

/// Answers `SortStep`s until the sort is done, checking each step's work
/// and the rows between steps; returns how many steps.
fn finish(state: &mut State, mut effects: Vec<Effect>) -> usize {
    let mut steps = 0;
    while effects.contains(&Effect::SortStep) {
        let before = state.rows.order.work;
        effects = update(state, Msg::SortStep);
        let work = state.rows.order.work - before;
        // One step: its slice, plus a rebuild's linear check when it ends.
        assert!(work <= STEP_WORK + 4096 * 16 + 2 * N, "a step compared {work} times");
        assert_eq!(state.rows.len() as u64, N + 1, "every child shows at every step");
        steps += 1;
    }
    steps
}

#[test]
fn expanding_a_huge_directory_answers_before_sorting_it() {
    assert!(N as usize > 4 * BIG_DIR);
    let mut state = huge();
    let root = state.tree.roots().next().unwrap();
    let listing: Vec<NodeId> = state.tree.children(root).collect();
    let effects = update(&mut state, key('l'));
    // Answered: the rows are there, in listing order, the sort asked for.
    assert_eq!(state.rows.len() as u64, N + 1);
    assert!(state.rows.order.work < N, "sorted inline: {} comparisons", state.rows.order.work);
    assert!(effects.contains(&Effect::SortStep), "{effects:?}");
    assert!(state.rows.sorting());
    assert_eq!(shown(&state), listing);
    let steps = finish(&mut state, effects);
    assert!(steps > 1);
    assert!(!state.rows.sorting());
    assert_eq!(shown(&state), sorted(&state));
    assert!(state.rows.order.heap_bytes() <= 4 * N as usize + 64);
}

#[test]
fn resorting_a_huge_directory_answers_at_once_and_keeps_the_selection() {
    let mut state = huge();
    let effects = update(&mut state, key('l'));
    finish(&mut state, effects);
    // Select a child, then cycle the sort (name → size).
    state.cursor.row = 1234;
    let picked = state.selected_node().unwrap();
    let before = state.rows.order.work;
    let effects = update(&mut state, key('s'));
    assert!(state.rows.order.work - before < N, "re-sorted inline");
    assert!(effects.contains(&Effect::SortStep));
    assert_eq!(state.selected_node(), Some(picked), "the selection stays while it sorts");
    finish(&mut state, effects);
    assert_eq!(shown(&state), sorted(&state));
    assert_eq!(state.selected_node(), Some(picked), "and after");
    // A key while a sort runs is answered, and the order it started is
    // dropped for the new one: size → mtime, one step, then → name.
    let effects = update(&mut state, key('s'));
    assert!(effects.contains(&Effect::SortStep));
    assert!(update(&mut state, Msg::SortStep).contains(&Effect::SortStep), "not done yet");
    // That step's message is still on its way: no second one is asked for.
    let again = update(&mut state, key('s'));
    assert!(!again.contains(&Effect::SortStep));
    assert!(state.rows.sorting());
    finish(&mut state, vec![Effect::SortStep]);
    assert_eq!(state.rows.options.sort, statree::config::SortKey::Name);
    assert_eq!(shown(&state), sorted(&state));
}
