//! Journeys through the audit panel on a `TestBackend`: a fixture with a
//! setuid-root file, a world-writable directory without the sticky bit,
//! world-writable files, a file owned by an id with no name and a dangling
//! symlink is scanned for real; the panel's counts, the finding filter, `n`
//! and `N`, the metadata pane and the baseline filters are checked.
//!
//! Run as root (like the rest of the audit suite): it makes a setuid file
//! owned by root and gives a file to uid 4242.

mod tui_support;

use std::ffi::OsStr;
use std::fs;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use ratatui::style::Color;
use statree::audit::{Baseline, Finding};
use statree::exec::InlineExecutor;
use statree::keymap::KeyMap;
use statree::scan::{self, ScanEvent, ScanOptions};
use statree::view::audit::{AuditFilter, AuditState, PassOptions, PassState};
use statree::view::{Effect, Mode, Msg, State, ViewOptions, update};
use tempfile::TempDir;
use tui_support::*;

/// Wide enough for the panel's explanations, tall enough for all its lines.
const SIZE: (u16, u16) = (170, 30);

fn chmod(path: &Path, mode: u32) {
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

/// ```text
/// fixture/            0755
///   bin/              0755
///     suid            4755 root         setuid-root, setuid
///     tool            0755
///   docs/             0755
///     readme          0644
///     shared          0666              world-writable
///   drop/             0777              world-writable-dir-no-sticky, world-writable
///     open.txt        0666              world-writable
///   dangling -> missing                 dangling-symlink (from the audit pass)
///   orphan.dat        0644 4242:4242    orphan-owner
/// ```
struct AuditFixture {
    tmp: TempDir,
    root: PathBuf,
}

fn audit_fixture() -> AuditFixture {
    assert!(
        rustix::process::geteuid().is_root(),
        "the audit journeys must run as root: they make setuid-root files and give files away"
    );
    let tmp = fixed_length_tempdir();
    let root = tmp.path().join("fixture");
    for dir in ["", "bin", "docs", "drop"] {
        fs::create_dir_all(root.join(dir)).unwrap();
        chmod(&root.join(dir), 0o755);
    }
    let file = |rel: &str, mode: u32| {
        fs::write(root.join(rel), b"#!/bin/sh\n").unwrap();
        chmod(&root.join(rel), mode);
    };
    file("bin/suid", 0o4755);
    file("bin/tool", 0o755);
    file("docs/readme", 0o644);
    file("docs/shared", 0o666);
    file("drop/open.txt", 0o666);
    file("orphan.dat", 0o644);
    std::os::unix::fs::lchown(root.join("orphan.dat"), Some(4242), Some(4242)).unwrap();
    symlink("missing", root.join("dangling")).unwrap();
    chmod(&root.join("drop"), 0o777);
    assert!(
        statree::names::OwnerNames::new().user(4242).is_none(),
        "uid 4242 must have no name on this system for the orphan check"
    );
    AuditFixture { tmp, root }
}

/// Scans `root` for real into a state carrying `audit`, as [`Harness::scan`]
/// does (every event through `update`, every effect run inline).
fn scan_with(fixture: &AuditFixture, audit: AuditState) -> Harness {
    let mut state = State::new(KeyMap::default(), ViewOptions::default(), Instant::now());
    state.screen.size = SIZE;
    state.screen.now_unix = FIXED_NOW_UNIX;
    state.audit = audit;
    let mut io = InlineExecutor::default();
    let handle = scan::start(ScanOptions::new(vec![fixture.root.clone()])).expect("start scan");
    loop {
        let event = handle.events().recv_timeout(Duration::from_secs(30)).expect("scan event");
        let finished = matches!(event, ScanEvent::Finished { .. });
        let effects = update(&mut state, Msg::Scan(event));
        io.run_effects(&mut state, effects);
        state.refresh_rows();
        if finished {
            break;
        }
    }
    drop(handle);
    state.scan.finished = Some(FIXED_SCAN_TIME);
    state.rebuild_rows();
    Harness {
        state,
        io,
        theme: test_theme(),
        roots: vec![fixture.root.clone()],
        tmp_prefix: Some(fixture.tmp.path().to_path_buf()),
    }
}

fn scanned(fixture: &AuditFixture) -> Harness {
    let pass = PassOptions { roots: vec![fixture.root.clone()], ..PassOptions::default() };
    scan_with(fixture, AuditState::new(pass, None))
}

/// The panel's box cut out of the frame: from its top border to its bottom
/// border, between its side borders, trailing spaces cut.
fn panel_text(h: &Harness) -> String {
    let screen = h.screen();
    let lines: Vec<&str> = screen.lines().collect();
    let top = lines.iter().position(|l| l.contains("┌ audit")).expect("the panel is drawn");
    let left = lines[top].chars().position(|c| c == '┌').unwrap();
    let mut out = String::new();
    for line in &lines[top..] {
        let cut: String = line.chars().skip(left).collect();
        let end = cut.char_indices().skip(1).find(|(_, c)| matches!(c, '┐' | '│' | '┘'));
        let cut = end.map_or(cut.as_str(), |(i, c)| &cut[..i + c.len_utf8()]);
        out.push_str(cut.trim_end());
        out.push('\n');
        if cut.starts_with('└') {
            break;
        }
    }
    out
}

/// The panel's lines as (label, count, whole line), in order: the columns
/// are `│`, the mark, a space, the severity (6), a space, the label (37), a
/// space and the count (9).
fn panel_rows(h: &Harness) -> Vec<(String, String, String)> {
    panel_text(h)
        .lines()
        .filter(|l| l.starts_with('│'))
        .filter_map(|l| {
            let chars: Vec<char> = l.chars().collect();
            let field = |from: usize, to: usize| -> String {
                chars.get(from..to.min(chars.len())).unwrap_or(&[]).iter().collect::<String>()
            };
            let label = field(10, 47).trim().to_string();
            (!label.is_empty()).then(|| (label, field(48, 57).trim().to_string(), l.to_string()))
        })
        .collect()
}

/// The panel line of `label` (a finding id, "new since baseline", …).
fn panel_line(h: &Harness, label: &str) -> String {
    let rows = panel_rows(h);
    let row = rows.iter().find(|(l, _, _)| l == label);
    row.unwrap_or_else(|| panic!("no {label:?} in the panel:\n{}", panel_text(h))).2.clone()
}

/// The count the panel shows for `label`.
fn panel_count(h: &Harness, label: &str) -> String {
    let rows = panel_rows(h);
    let row = rows.iter().find(|(l, _, _)| l == label);
    row.unwrap_or_else(|| panic!("no {label:?} in the panel:\n{}", panel_text(h))).1.clone()
}

/// Moves the panel's cursor to `label` and presses Enter.
fn pick(h: &mut Harness, label: &str) {
    let target = panel_rows(h)
        .iter()
        .position(|(l, _, _)| l == label)
        .unwrap_or_else(|| panic!("no {label:?} in the panel"));
    h.press("g");
    for _ in 0..target {
        h.press("j");
    }
    h.press("enter");
}

fn meta_text(h: &Harness) -> String {
    let lines = statree::ui::meta::lines(&h.state, &h.theme, FIXED_NOW_UNIX);
    lines.iter().map(|l| l.to_string() + "\n").collect()
}

#[test]
fn the_panel_counts_every_finding_and_the_audit_pass_fills_in_the_rest() {
    let f = audit_fixture();
    let mut h = scanned(&f);
    // Drawn before the audit pass: its findings are not known yet, the rest is.
    h.state.mode = Mode::Audit { selected: 0 };
    assert_eq!(panel_count(&h, "capabilities"), "?");
    assert_eq!(panel_count(&h, "dangling-symlink"), "?");
    assert_eq!(panel_count(&h, "setuid-root"), "1");
    assert!(panel_text(&h).contains("checked once the scan ends"), "{}", panel_text(&h));
    h.state.mode = Mode::Normal;
    let effects = h.press("!");
    assert!(matches!(h.state.mode, Mode::Audit { selected: 0 }));
    assert!(
        effects.iter().any(
            |e| matches!(e, Effect::StartAuditPass { roots, .. } if roots.as_slice() == std::slice::from_ref(&f.root))
        ),
        "the first opening starts the audit pass: {effects:?}"
    );
    assert_eq!(h.state.audit.pass(), PassState::Done, "run inline by the test's Io");
    for (id, count) in [
        ("setuid-root", "1"),
        ("world-writable-dir-no-sticky", "1"),
        ("writable-by-group-or-other-executable", "0"),
        ("setuid", "1"),
        ("setgid", "0"),
        ("world-writable", "3"),
        ("orphan-owner", "1"),
        ("dangling-symlink", "1"),
        ("symlink-outside-root", "0"),
        ("unreadable", "0"),
    ] {
        assert_eq!(panel_count(&h, id), count, "{id}");
        assert_eq!(h.state.audit.count(Finding::from_id(id).unwrap()).to_string(), count, "{id}");
    }
    insta::assert_snapshot!("audit_panel", panel_text(&h));
    // A second opening starts nothing; Esc closes.
    h.press("esc");
    assert!(matches!(h.state.mode, Mode::Normal));
    let effects = h.press("!");
    assert!(!effects.iter().any(|e| matches!(e, Effect::StartAuditPass { .. })), "{effects:?}");
    h.press("!");
    assert!(matches!(h.state.mode, Mode::Normal), "! closes it too");
}

#[test]
fn counts_match_the_command_line_audit() {
    let f = audit_fixture();
    let mut h = scanned(&f);
    h.press("!");
    let out = Command::new(env!("CARGO_BIN_EXE_statree"))
        .args(["--audit", "--summary"])
        .arg(&f.root)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    for finding in Finding::ALL {
        let line =
            text.lines().find(|l| l.split_whitespace().nth(1) == Some(finding.id())).unwrap();
        let cli: u64 = line.split_whitespace().nth(2).unwrap().parse().unwrap();
        assert_eq!(h.state.audit.count(finding), cli, "{finding}");
    }
}

#[test]
fn picking_a_finding_shows_its_entries_with_their_directories_and_n_goes_round_them() {
    let f = audit_fixture();
    let mut h = scanned(&f);
    h.press("!");
    pick(&mut h, "world-writable");
    assert!(matches!(h.state.mode, Mode::Normal));
    assert_eq!(h.state.audit.filter(), Some(AuditFilter::Finding(Finding::WorldWritable)));
    assert_eq!(h.row_paths(), ["", "docs", "docs/shared", "drop", "drop/open.txt"]);
    assert_eq!(h.selected_rel(), "docs/shared", "the first match is selected");
    let screen = h.screen();
    assert!(screen.lines().next().unwrap().contains("audit: world-writable"), "{screen}");
    h.press("n");
    assert_eq!(h.selected_rel(), "drop");
    h.press("n");
    assert_eq!(h.selected_rel(), "drop/open.txt");
    h.press("n");
    assert_eq!(h.selected_rel(), "docs/shared", "wraps");
    h.press("N");
    assert_eq!(h.selected_rel(), "drop/open.txt");
    // Esc in the tree ends the filter; the selection stays, n is the name search again.
    h.press("esc");
    assert_eq!(h.state.audit.filter(), None);
    assert_eq!(h.selected_rel(), "drop/open.txt");
    assert!(h.row_paths().contains(&"bin".to_string()));
    assert!(!h.screen().lines().next().unwrap().contains("audit:"));
    h.press("n");
    assert!(h.screen().contains("no search yet"), "{}", h.screen());
}

#[test]
fn choosing_all_entries_ends_the_filter() {
    let f = audit_fixture();
    let mut h = scanned(&f);
    h.press("!");
    pick(&mut h, "setuid-root");
    assert_eq!(h.row_paths(), ["", "bin", "bin/suid"]);
    h.press("!");
    assert!(panel_line(&h, "setuid-root").starts_with("│•"), "the active filter is marked");
    h.press("G");
    h.press("enter");
    assert_eq!(h.state.audit.filter(), None);
    assert_eq!(h.selected_rel(), "bin/suid");
    assert!(h.row_paths().len() > 3);
}

#[test]
fn rows_with_findings_are_marked_in_the_severity_colour() {
    let f = audit_fixture();
    let mut h = scanned(&f);
    h.press("!");
    h.press("esc");
    h.select("bin");
    h.press("enter");
    let buffer = h.render_buffer(SIZE.0, SIZE.1);
    let lines = buffer_lines(&buffer);
    let row_of = |name: &str| {
        lines
            .iter()
            .position(|l| l.contains(&format!(" {name} ")))
            .unwrap_or_else(|| panic!("no row {name}"))
    };
    // High findings in the error colour, low in the finding colour, info dim.
    for (name, marked, colour) in [
        ("suid", true, Some(Color::LightRed)),
        ("drop", true, Some(Color::LightRed)),
        ("orphan.dat", true, Some(Color::Yellow)),
        ("dangling", true, Some(Color::DarkGray)),
        ("tool", false, None),
    ] {
        let y = row_of(name) as u16;
        let line = &lines[y as usize];
        assert_eq!(line.starts_with('!'), marked, "{name}: {line}");
        let x = line.find(&format!(" {name} ")).unwrap() + 1;
        let x = line[..x].chars().count() as u16;
        let cell = buffer.cell((x, y)).unwrap();
        if let Some(colour) = colour {
            assert_eq!(cell.fg, colour, "{name}");
        }
    }
}

#[test]
fn the_metadata_pane_names_the_findings_of_the_selection() {
    let f = audit_fixture();
    let mut h = scanned(&f);
    h.press("!");
    pick(&mut h, "setuid-root");
    assert_eq!(h.selected_rel(), "bin/suid");
    let meta = meta_text(&h);
    assert!(meta.contains("findings setuid-root, setuid\n"), "{meta}");
    h.press("esc");
    h.select("orphan.dat");
    assert!(meta_text(&h).contains("findings orphan-owner\n"), "{}", meta_text(&h));
    h.select("bin/tool");
    assert!(!meta_text(&h).contains("findings"), "{}", meta_text(&h));
    assert!(h.screen().contains("metadata"));
}

#[test]
fn a_baseline_adds_new_and_changed_filters() {
    let f = audit_fixture();
    let base = f.tmp.path().join("base.jsonl");
    let out =
        Command::new(env!("CARGO_BIN_EXE_statree")).arg("--json").arg(&f.root).output().unwrap();
    assert!(out.status.success());
    fs::write(&base, &out.stdout).unwrap();
    // Since then: a new setuid file, a changed mode.
    fs::write(f.root.join("bin/newsuid"), b"x").unwrap();
    chmod(&f.root.join("bin/newsuid"), 0o4755);
    chmod(&f.root.join("docs/readme"), 0o600);

    let baseline = Baseline::load(&base).unwrap();
    let pass = PassOptions { roots: vec![f.root.clone()], ..PassOptions::default() };
    let mut h = scan_with(&f, AuditState::new(pass, Some(baseline)));
    assert_eq!(h.state.audit.change_counts(), (1, 1));
    h.press("!");
    assert_eq!(panel_count(&h, "new since baseline"), "1");
    assert_eq!(panel_count(&h, "changed since baseline"), "1");
    assert_eq!(panel_count(&h, "setuid-root"), "2");
    pick(&mut h, "new since baseline");
    assert_eq!(h.row_paths(), ["", "bin", "bin/newsuid"]);
    assert!(h.screen().lines().next().unwrap().contains("audit: new since baseline"));
    assert!(meta_text(&h).contains("baseline new since the baseline"), "{}", meta_text(&h));
    h.press("!");
    pick(&mut h, "changed since baseline");
    assert_eq!(h.row_paths(), ["", "docs", "docs/readme"]);
    let meta = meta_text(&h);
    assert!(meta.contains("baseline changed since the baseline (was -rw-r--r-- 0:0)"), "{meta}");
}

#[test]
fn the_binary_opens_the_view_with_a_baseline() {
    let f = audit_fixture();
    let base = f.tmp.path().join("base.jsonl");
    let out =
        Command::new(env!("CARGO_BIN_EXE_statree")).arg("--json").arg(&f.root).output().unwrap();
    fs::write(&base, &out.stdout).unwrap();
    fs::write(f.root.join("fresh"), b"x").unwrap();
    let args = [OsStr::new("--baseline"), base.as_os_str(), f.root.as_os_str()];
    let mut pty = PtySession::spawn(&args, f.tmp.path());
    pty.wait_for_text("scanned in", Duration::from_secs(20));
    pty.send(b"!");
    let screen = pty.wait_for_text("new since baseline", Duration::from_secs(20));
    let line = screen.lines().find(|l| l.contains("new since baseline")).unwrap();
    assert!(line.contains(" 1  not in the baseline"), "{screen}");
    pty.send(b"q");
    pty.send(b"q");
    assert!(pty.wait_exit(Duration::from_secs(10)).success());
    pty.assert_restored();
}
