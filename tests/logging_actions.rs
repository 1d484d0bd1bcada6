//! The diagnostic log records each action's request and result, and the
//! errors the user is shown. One test: a process has one logger.

mod tui_support;

use std::fs;

use log::LevelFilter;
use statree::logging::{self, LogPlan};
use tui_support::{Fixture, Harness};

#[test]
fn actions_and_their_results_are_logged() {
    let fx = Fixture::new();
    let file = fx.tmp.path().join("actions.log");
    logging::install(&LogPlan { level: LevelFilter::Debug, file: file.clone() }).unwrap();
    let mut h = Harness::fixture(&fx, (100, 30));

    // A rename that works…
    h.select("gamma.txt");
    h.press("r");
    h.press("ctrl-w");
    h.type_text("md");
    h.press("enter");
    assert!(fx.root.join("gamma.md").exists());
    // …and one refused: the name is taken.
    h.select("large.log");
    h.press("r");
    h.press("ctrl-u");
    h.type_text("gamma.md");
    h.press("enter");
    assert!(fx.root.join("large.log").exists());

    let log = fs::read_to_string(&file).unwrap();
    let lines: Vec<&str> = log.lines().collect();
    let find = |needle: &str| {
        lines.iter().position(|l| l.contains(needle)).unwrap_or_else(|| panic!("{needle}: {log}"))
    };
    let first = find("INFO  statree::exec: action: Rename");
    assert!(lines[first].contains("gamma.txt") && lines[first].contains("new_name"), "{log}");
    let done = find("action result: renamed to gamma.md");
    let second = lines.iter().rposition(|l| l.contains("action: Rename")).unwrap();
    assert!(first < done && done < second, "request, result, next request: {log}");
    let refused = &lines[second + 1..];
    assert!(
        refused.iter().any(|l| l.contains("WARN  statree::exec: action result: nothing renamed")
            && l.contains("gamma.md")),
        "{log}"
    );
    assert!(log.contains("scan finished: 12 entries, 0 errors"), "the harness's scan: {log}");
}
