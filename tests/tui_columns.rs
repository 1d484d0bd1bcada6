//! The extra columns (`t`), with `A`, and the status line's totals, on a
//! tree built in the model with exact sizes, blocks, owners and times (a
//! real scan's disk usage would depend on the filesystem). Frames at 80×24
//! and wider, snapshots with insta.

mod tui_support;

use std::path::Path;
use std::sync::{Arc, Once};
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use statree::config::Column;
use statree::keymap::KeyMap;
use statree::model::FileKind;
use statree::scan::{Batch, EntryKey, EntryStat, Parent, ScanEvent, Timespec};
use statree::ui;
use statree::view::columns::{MIN_NAME, fitting};
use statree::view::{Msg, State, ViewOptions, update};
use tui_support::{buffer_lines, key_event, test_theme};

const FILE: u32 = 0o100_000;
const DIR: u32 = 0o040_000;
const GIB: u64 = 1 << 30;
/// 2023-11-14 22:13:20 UTC.
const T0: i64 = 1_700_000_000;

/// The mtime column shows local time: every test of this binary sees UTC.
fn utc() {
    static ONCE: Once = Once::new();
    // SAFETY: every test calls this first, and the Once makes the others
    // wait until it is done, so no thread reads the environment meanwhile.
    ONCE.call_once(|| unsafe { std::env::set_var("TZ", "UTC") });
}

/// (name, mode, uid/gid, size, 512-byte blocks, mtime)
type Spec<'a> = (&'a str, u32, u32, u64, u64, i64);

fn batch(id: u32, parent: Parent, dir: &str, entries: &[Spec<'_>]) -> Batch {
    let mut b = Batch::new(id, parent, Arc::from(Path::new(dir)), 0, entries.len() as u32);
    for &(name, mode, owner, size, blocks, mtime) in entries {
        let kind = FileKind::from_mode(mode);
        let stat = EntryStat {
            mode,
            uid: owner,
            gid: if owner == 0 { 0 } else { 100 },
            nlink: 1,
            size,
            blocks,
            ino: u64::from(id) * 100 + b.entries.len() as u64 + 1,
            mtime: Timespec { sec: mtime, nsec: 0 },
            ..EntryStat::default()
        };
        b.push(name.as_bytes(), Some(stat), kind, None, kind == FileKind::Dir, false, None);
    }
    b
}

/// /srv/site { assets/ { logo.png, style.css }, a long name, index.html,
/// run.sh (setuid root), sparse.img (2 GiB apparent, 4 KiB on disk) },
/// with `assets` open: 8 entries, 2 GiB + 27,337 B apparent, 96 blocks
/// (48 KiB) on disk.
fn state(size: (u16, u16)) -> State {
    utc();
    let mut state = State::new(KeyMap::default(), ViewOptions::default(), Instant::now());
    state.screen.size = size;
    state.screen.now_unix = T0;
    let mut feed = |event| {
        let _ = update(&mut state, Msg::Scan(event));
    };
    feed(ScanEvent::Batch(batch(
        0,
        Parent::Root(0),
        "",
        &[("/srv/site", DIR | 0o755, 0, 4096, 8, T0 - 60)],
    )));
    let top: [Spec<'_>; 5] = [
        ("assets", DIR | 0o755, 1000, 4096, 8, T0 - 3_600),
        ("a-rather-long-file-name-that-needs-room.txt", FILE | 0o644, 1000, 100, 8, T0 - 86_400),
        ("index.html", FILE | 0o644, 1000, 12_345, 32, T0 - 120),
        ("run.sh", FILE | 0o4755, 0, 800, 8, T0 - 400 * 86_400),
        ("sparse.img", FILE | 0o600, 1000, 2 * GIB, 8, T0 - 7 * 86_400),
    ];
    let root = EntryKey { batch: 0, index: 0 };
    feed(ScanEvent::Batch(batch(1, Parent::Dir(root), "/srv/site", &top)));
    let assets: [Spec<'_>; 2] = [
        ("logo.png", FILE | 0o644, 1000, 5_000, 16, T0 - 5_000),
        ("style.css", FILE | 0o664, 1000, 900, 8, T0 - 2 * 86_400),
    ];
    let dir = EntryKey { batch: 1, index: 0 };
    feed(ScanEvent::Batch(batch(2, Parent::Dir(dir), "/srv/site/assets", &assets)));
    feed(ScanEvent::Finished { elapsed: Duration::from_millis(10) });
    state.scan.finished = Some(Duration::from_millis(10));
    let names = &mut state.inspect.owner_names;
    names.users.extend([(0, Some("root".to_string())), (1000, Some("ada".to_string()))]);
    names.groups.extend([(0, Some("root".to_string())), (100, Some("users".to_string()))]);
    state.rebuild_rows();
    press(&mut state, "j");
    press(&mut state, "l");
    // The message the keys left would cover the totals.
    state.screen.status = None;
    state
}

fn press(state: &mut State, key: &str) {
    let _ = update(state, Msg::Key(key_event(key)));
    state.refresh_rows();
}

/// The frame at the state's size, `>` marking the selected line.
fn frame(state: &State) -> String {
    let (w, h) = state.screen.size;
    let theme = test_theme();
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| ui::draw(f, state, &theme)).unwrap();
    let buffer = terminal.backend().buffer().clone();
    let selection = theme.selection().bg;
    let mut out = String::new();
    for (y, line) in buffer_lines(&buffer).iter().enumerate() {
        let selected = buffer.cell((0, y as u16)).is_some_and(|c| Some(c.bg) == selection);
        out.push(if selected { '>' } else { '|' });
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The tree pane's rows (title and entries) of a frame.
fn tree_rows(frame: &str, rows: usize) -> Vec<String> {
    frame.lines().take(rows).map(str::to_string).collect()
}

#[test]
fn t_cycles_each_column_set_and_back_to_none() {
    let mut state = state((80, 24));
    let plain = frame(&state);
    insta::assert_snapshot!("columns_none", tree_rows(&plain, 10).join("\n"));
    let sets = [
        ("columns_count", "columns: count"),
        ("columns_mtime", "columns: mtime"),
        ("columns_mode", "columns: mode"),
        ("columns_owner", "columns: owner"),
        ("columns_all_80", "columns: count, mtime, octal (no room for owner)"),
    ];
    for (name, said) in sets {
        press(&mut state, "t");
        let status = state.screen.status.as_ref().map(|m| m.text.clone()).unwrap_or_default();
        assert_eq!(status, said);
        state.screen.status = None;
        insta::assert_snapshot!(name, tree_rows(&frame(&state), 10).join("\n"));
    }
    press(&mut state, "t");
    assert_eq!(state.columns.chosen(), []);
    assert_eq!(state.screen.status.take().map(|m| m.text).as_deref(), Some("columns: none"));
    assert_eq!(frame(&state), plain, "the last t goes back to no columns");
}

#[test]
fn columns_never_push_names_off_the_screen() {
    let mut state = state((80, 24));
    state.columns.current = state.columns.cycle.len(); // every column
    for width in [40u16, 60, 80, 100, 120, 200] {
        let shown = fitting(&state.columns, usize::from(width));
        let used: usize = shown.iter().map(|&c| statree::view::columns::width(c) + 1).sum();
        let tail = if width >= 40 { 20 } else { 0 };
        assert!(
            used == 0 || usize::from(width) >= tail + used + MIN_NAME,
            "{width}: {shown:?} leaves the names less than {MIN_NAME} columns"
        );
        state.screen.size = (width, 24);
        let text = frame(&state);
        if shown.is_empty() {
            // Too narrow for any: the rows are those without columns.
            let current = std::mem::take(&mut state.columns.current);
            assert_eq!(text, frame(&state), "{width} columns");
            state.columns.current = current;
        } else {
            assert!(text.contains("a-rather-long-file"), "{width} columns:\n{text}");
            assert!(text.contains("style.css"), "{width} columns:\n{text}");
        }
    }
    // Narrower screens lose columns first, from the end of the set.
    assert_eq!(
        fitting(&state.columns, 200),
        [Column::Count, Column::Mtime, Column::Octal, Column::Owner]
    );
    assert_eq!(fitting(&state.columns, 80), [Column::Count, Column::Mtime, Column::Octal]);
    assert_eq!(fitting(&state.columns, 60), [Column::Count]);
    assert_eq!(fitting(&state.columns, 40), []);
    // Side by side with the metadata from 100 columns: the tree pane of a
    // 200-column screen has room for every column.
    state.screen.size = (200, 24);
    insta::assert_snapshot!("columns_all_200", tree_rows(&frame(&state), 10).join("\n"));
}

#[test]
fn a_with_columns_switches_sizes_and_totals_to_disk_usage() {
    let mut state = state((80, 24));
    press(&mut state, "t"); // count
    press(&mut state, "s"); // by size: the sparse image first
    press(&mut state, "A"); // disk usage: it drops to the bottom
    state.screen.status = None;
    let text = frame(&state);
    insta::assert_snapshot!("columns_count_disk_usage", text);
    let status = text.lines().last().unwrap();
    assert!(status.contains(" 8 entries · 48.0 KiB · no errors"), "{status}");
    assert!(status.contains("· 2.0 GiB apparent"), "{status}");
}

#[test]
fn the_status_line_has_the_roots_disk_usage_apparent_size_and_entries() {
    let state = state((100, 30));
    let text = frame(&state);
    let status = text.lines().last().unwrap();
    // 2 GiB + 4096 * 2 + 100 + 12,345 + 800 + 5,000 + 900 bytes; 96 blocks.
    assert_eq!(
        status,
        "| 8 entries · 2.0 GiB · no errors · scanned in 0.01 s · 48.0 KiB on disk · ? for help            2/8",
    );
    let state = state_disk_usage();
    let status = frame(&state).lines().last().unwrap().to_string();
    assert!(status.starts_with("| 8 entries · 48.0 KiB · no errors"), "{status}");
    assert!(status.contains(" · 2.0 GiB apparent · ? for help"), "{status}");
    insta::assert_snapshot!("status_totals_80x24", frame(&state_at_80()));
}

fn state_disk_usage() -> State {
    let mut state = state((100, 30));
    press(&mut state, "A");
    state.screen.status = None;
    state
}

fn state_at_80() -> State {
    state((80, 24))
}
