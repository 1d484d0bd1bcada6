//! Issue 9 §5: at 80×24 the tree keeps ten rows and every stat field of the
//! selection is on screen (the compact layout); `i` shows the metadata on
//! the whole screen at any size. Snapshots at 80×24 and 100×30 use a fixed
//! metadata record, so inode, device and times are the same on every run.

mod tui_support;

use statree::fmt::time::{local_time, short_time};
use statree::model::FullStat;
use statree::scan::{EntryStat, Timespec};
use statree::view::{Loaded, Mode};
use tui_support::{FIXED_NOW_UNIX, Fixture, Harness};

const ATIME: i64 = 1_699_990_000;
const MTIME: i64 = 1_600_000_400;
const CTIME: i64 = 1_699_000_000;
const BTIME: i64 = 1_500_000_000;

fn at(sec: i64) -> Timespec {
    Timespec { sec, nsec: 123_456_789 }
}

/// The fixture at `size` with `gamma.txt` selected and a fixed record as
/// its metadata.
fn gamma_at(size: (u16, u16)) -> (Fixture, Harness) {
    let fx = Fixture::new();
    let mut h = Harness::fixture(&fx, size);
    h.select("gamma.txt");
    let id = h.node("gamma.txt");
    let stat = EntryStat {
        mode: 0o100644,
        nlink: 1,
        uid: 1000,
        gid: 100,
        size: 30,
        blocks: 8,
        ino: 1_234_567,
        dev: rustix::fs::makedev(8, 1),
        rdev: 0,
        atime: at(ATIME),
        mtime: at(MTIME),
        ctime: at(CTIME),
    };
    let full = FullStat {
        path: fx.root.join("gamma.txt"),
        stat,
        btime: Some(at(BTIME)),
        target: None,
        user: Some("ada".into()),
        group: Some("users".into()),
    };
    h.state.inspect.owner_names.users.insert(1000, Some("ada".into()));
    h.state.inspect.owner_names.groups.insert(100, Some("users".into()));
    h.state.inspect.meta = Some(Loaded { id, result: Ok(full) });
    (fx, h)
}

/// The frame with the times and the zone (which depend on the machine's
/// time zone) replaced by names.
fn stable_frame(h: &Harness) -> String {
    let mut text = h.snapshot_frame();
    for (name, sec) in [("ATIME", ATIME), ("MTIME", MTIME), ("CTIME", CTIME), ("BTIME", BTIME)] {
        text = text.replace(&local_time(at(sec), FIXED_NOW_UNIX), &format!("[{name} long]"));
        text = text.replace(&short_time(at(sec)), &format!("[{name}]"));
    }
    let zone = jiff::tz::TimeZone::system();
    let zone = zone.iana_name().unwrap_or("local time").to_string();
    let lines = text.lines().map(|l| {
        // The zone's name is last on its line; its width varies by machine.
        if l.contains("zone ") {
            format!("{}[ZONE]", l.trim_end().trim_end_matches(&zone))
        } else {
            l.to_string()
        }
    });
    lines.collect::<Vec<_>>().join("\n") + "\n"
}

const EVERY_FIELD: [&str; 15] = [
    "path", "type", "mode", "size", "alloc", "user", "group", "ino", "dev", "links", "zone",
    "atime", "mtime", "ctime", "born",
];

#[test]
fn at_80_by_24_the_tree_keeps_ten_rows_and_every_stat_field_is_on_screen() {
    let (_fx, mut h) = gamma_at((80, 24));
    h.select("alpha");
    h.press_all(&["l", "l", "l"]); // more rows than the tree has room for
    h.select("gamma.txt");
    let (_fx2, fixed) = gamma_at((80, 24));
    h.state.inspect.meta =
        fixed.state.inspect.meta.clone().map(|m| Loaded { id: h.node("gamma.txt"), ..m });
    let screen = h.screen();
    let lines: Vec<&str> = screen.lines().collect();
    let meta_top = lines.iter().position(|l| l.contains(" metadata ")).expect("no metadata pane");
    assert!(meta_top >= 11, "tree {meta_top} lines (title and fewer than 10 rows):\n{screen}");
    let pane = lines[meta_top..].join("\n");
    let stable = stable_frame(&h);
    for label in EVERY_FIELD {
        let short = if label == "path" { "fixture/gamma.txt" } else { label };
        assert!(pane.contains(short), "{label} missing at 80x24:\n{stable}");
    }
    for value in ["-rw-r--r--", "0644", "1234567", "8:1 (2049)", "ada (1000)", "users (100)"] {
        assert!(pane.contains(value), "{value} missing at 80x24:\n{stable}");
    }
    for t in [ATIME, MTIME, CTIME, BTIME] {
        assert!(pane.contains(&short_time(at(t))), "a time is missing:\n{stable}");
    }
    assert!(pane.contains("30 B (30 bytes)") && pane.contains("4.0 KiB (8 blocks)"), "{stable}");
}

#[test]
fn a_directory_shows_its_totals_too_at_80_by_24() {
    let fx = Fixture::new();
    let mut h = Harness::fixture(&fx, (80, 24));
    h.select("alpha");
    let screen = h.screen();
    let pane = &screen[screen.find(" metadata ").expect("no pane")..];
    assert!(pane.contains("total 4.0 MiB in 4 entries"), "{screen}");
    assert!(pane.contains("disk "), "{screen}");
    assert!(pane.contains("born "), "{screen}");
}

#[test]
fn i_shows_the_metadata_on_the_whole_screen_at_any_size_and_back() {
    for size in [(60, 15), (80, 24), (160, 50)] {
        let (_fx, mut h) = gamma_at(size);
        h.press("i");
        assert_eq!(h.state.mode, Mode::Inspect { scroll: 0 }, "{size:?}");
        let screen = h.screen();
        for label in ["born", "ino", "dev", "links", "user", "group", "alloc", "mode", "zone"] {
            assert!(screen.contains(label), "{label} missing at {size:?}:\n{screen}");
        }
        for t in [ATIME, MTIME, CTIME, BTIME] {
            assert!(screen.contains(&short_time(at(t))), "a time is missing at {size:?}");
        }
        assert!(!screen.contains("▸ beta"), "the tree shows through at {size:?}:\n{screen}");
        // Keys other than back and scroll do nothing here.
        h.press("D");
        assert_eq!(h.state.mode, Mode::Inspect { scroll: 0 });
        h.press("i");
        assert_eq!(h.state.mode, Mode::Normal, "{size:?}");
        assert!(h.screen().contains("▸ beta"), "{size:?}");
    }
}

#[test]
fn snapshot_80x24_compact_metadata() {
    let (_fx, h) = gamma_at((80, 24));
    insta::assert_snapshot!("layout_80x24", stable_frame(&h));
}

#[test]
fn snapshot_100x30_side_by_side_metadata() {
    let (_fx, h) = gamma_at((100, 30));
    insta::assert_snapshot!("layout_100x30", stable_frame(&h));
}

#[test]
fn snapshot_80x24_full_screen_metadata() {
    let (_fx, mut h) = gamma_at((80, 24));
    h.press("i");
    insta::assert_snapshot!("layout_80x24_full_screen", stable_frame(&h));
}

#[test]
fn files_at_the_roots_level_line_up_with_their_sibling_directories() {
    let fx = Fixture::new();
    let h = Harness::fixture(&fx, (100, 30));
    let screen = h.screen();
    let line = |name: &str| -> String {
        screen.lines().find(|l| l.contains(name)).expect(name).to_string()
    };
    let first_glyph = |l: &str| l.chars().skip(1).position(|c| c != ' ');
    let name_at = |l: &str, name: &str| l[..l.find(name).unwrap()].chars().count();
    let (dir, file, link) = (line(" alpha "), line(" gamma.txt "), line(" link "));
    assert_eq!(first_glyph(&dir), first_glyph(&file), "\n{dir}\n{file}");
    assert_eq!(first_glyph(&dir), first_glyph(&link), "\n{dir}\n{link}");
    assert_eq!(name_at(&dir, "alpha"), name_at(&file, "gamma.txt"), "\n{dir}\n{file}");
}

#[test]
fn the_first_frame_names_the_root_before_any_batch() {
    use statree::keymap::KeyMap;
    use statree::view::audit::{AuditState, PassOptions};
    use statree::view::{State, ViewOptions};
    let fx = Fixture::new();
    let mut state =
        State::new(KeyMap::default(), ViewOptions::default(), std::time::Instant::now());
    let pass = PassOptions { roots: vec![fx.root.clone()], ..PassOptions::default() };
    state.audit = AuditState::new(pass, None);
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).expect("terminal");
    let theme = tui_support::test_theme();
    terminal.draw(|f| statree::ui::draw(f, &state, &theme)).expect("draw");
    let title = tui_support::buffer_lines(terminal.backend().buffer())[0].clone();
    assert!(title.contains(&*fx.root.to_string_lossy()), "{title}");
}

#[test]
fn a_root_that_cannot_be_read_shows_no_bar_and_is_selected() {
    let fx = Fixture::new();
    let missing = fx.tmp.path().join("missing");
    let h = Harness::scan(vec![missing], (80, 24));
    assert_eq!(h.state.cursor.row, 0, "the selection starts on the first row");
    let screen = h.screen();
    let row = screen.lines().nth(1).unwrap_or_default();
    assert!(!row.contains('█'), "a full bar for an unreadable root at 0 B:\n{screen}");
    assert!(screen.contains("root not read:"), "the unreadable root is named:\n{screen}");
    let mut h = h;
    h.press("M");
    // The log wraps long lines: read it as one run of words.
    let log = h.screen().replace('│', " ").split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        log.contains("missing: stat: No such file or directory"),
        "the message log has the reason in full:\n{log}"
    );
}

#[test]
fn an_unreadable_root_beside_a_readable_one_leaves_the_selection_on_the_first_row() {
    let fx = Fixture::new();
    let missing = fx.tmp.path().join("missing");
    let h = Harness::scan(vec![missing, fx.root.clone()], (80, 24));
    assert_eq!(h.state.cursor.row, 0, "the selection starts on the first row");
    let screen = h.screen();
    let first = screen.lines().nth(1).unwrap_or_default();
    assert!(first.contains("fixture"), "the readable root is the first row:\n{screen}");
    assert!(screen.contains("root not read:"), "the unreadable root is named:\n{screen}");
    assert_eq!(h.state.tree.totals().errors, 1, "the unreadable root is counted as an error");
}
