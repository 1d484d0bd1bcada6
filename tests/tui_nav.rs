//! Journeys through seeing and moving on `TestBackend`: `A` switches every
//! size between apparent size and disk usage, the size sort mixes files and
//! directories, `l` on a file opens the preview, the status line's totals,
//! and `z` / `-` zoom into a directory and back out.

mod tui_support;

use std::fs;
use std::path::PathBuf;

use tui_support::*;

const SIZE: (u16, u16) = (100, 20);

/// `<tmp>/du` holding `holey/` (a 64 MiB sparse file: no blocks) and
/// `solid/` (1 MiB of real data), and a sparse 32 MiB file `hole.img`.
struct Sparse {
    tmp: tempfile::TempDir,
    root: PathBuf,
}

fn sparse_fixture() -> Sparse {
    let tmp = fixed_length_tempdir();
    let root = tmp.path().join("du");
    fs::create_dir_all(root.join("holey")).unwrap();
    fs::create_dir_all(root.join("solid")).unwrap();
    sparse_file(&root.join("holey/sparse.img"), 64 * MIB);
    fs::write(root.join("solid/data.bin"), vec![7u8; MIB as usize]).unwrap();
    sparse_file(&root.join("hole.img"), 32 * MIB);
    Sparse { tmp, root }
}

fn scan(fx: &Sparse) -> Harness {
    let mut h = Harness::scan(vec![fx.root.clone()], SIZE);
    h.tmp_prefix = Some(fx.tmp.path().to_path_buf());
    h
}

fn line_of(screen: &str, name: &str) -> String {
    screen
        .lines()
        .find(|l| l.contains(name))
        .unwrap_or_else(|| panic!("no {name}:\n{screen}"))
        .into()
}

#[test]
fn a_switches_sizes_bars_sort_and_totals_to_disk_usage_and_back() {
    let fx = sparse_fixture();
    let mut h = scan(&fx);
    h.press("s"); // size sort
    assert_eq!(h.top_level_names()[0], "holey");
    let screen = h.screen();
    assert!(line_of(&screen, "holey").contains("64.0 MiB"), "{screen}");
    assert!(!screen.lines().next().unwrap().contains("disk usage"), "{screen}");
    let apparent_total = h.state.tree.totals().apparent;

    h.press("A");
    let screen = h.screen();
    assert!(screen.lines().next().unwrap().contains("· disk usage"), "{screen}");
    // The solid directory now outweighs the sparse one, in the sort and the bars.
    let names = h.top_level_names();
    assert!(
        names.iter().position(|n| n == "solid") < names.iter().position(|n| n == "holey"),
        "{names:?}"
    );
    let holey = line_of(&screen, "holey");
    assert!(!holey.contains("64.0 MiB"), "{holey}");
    assert!(!holey.contains('█'), "a sparse directory has no bar: {holey}");
    assert!(line_of(&screen, "solid").contains("1.0 MiB"), "{screen}");
    assert!(line_of(&screen, "hole.img").contains(" 0 B"), "{screen}");
    // The totals follow once the message is gone.
    h.state.screen.status = None;
    let status = h.screen().lines().last().unwrap().to_string();
    let allocated = statree::fmt::human_size(h.state.tree.totals().allocated);
    assert!(status.contains(&allocated), "{status}");
    assert_ne!(allocated, statree::fmt::human_size(apparent_total));

    h.press("A");
    let screen = h.screen();
    assert!(!screen.lines().next().unwrap().contains("disk usage"), "{screen}");
    assert!(line_of(&screen, "holey").contains("64.0 MiB"), "{screen}");
}

#[test]
fn the_size_sort_puts_the_largest_entry_first_file_or_directory() {
    let fx = sparse_fixture();
    let mut h = scan(&fx);
    // By name, directories come first.
    assert_eq!(h.top_level_names(), ["holey", "solid", "hole.img"]);
    h.press("s");
    // By size, the 32 MiB file sits above the 1 MiB directory.
    assert_eq!(h.top_level_names(), ["holey", "hole.img", "solid"]);
    let screen = h.screen();
    let rows: Vec<&str> = screen.lines().filter(|l| l.contains("MiB")).collect();
    assert!(rows[2].contains("hole.img") && rows[3].contains("solid"), "{screen}");
}

#[test]
fn l_and_right_on_a_file_open_the_preview_on_it() {
    for key in ["l", "right"] {
        let fx = Fixture::new();
        let mut h = Harness::fixture(&fx, SIZE);
        h.select("gamma.txt");
        assert!(!h.state.inspect.show_preview);
        let effects = h.press(key);
        assert!(h.state.inspect.show_preview, "{key} did not open the preview");
        assert!(
            effects.iter().any(|e| matches!(e, statree::view::Effect::LoadPreview { .. })),
            "{effects:?}"
        );
        assert_eq!(h.selected_rel(), "gamma.txt");
        let screen = h.screen();
        assert!(screen.contains(GAMMA_TEXT.lines().next().unwrap()), "{key}:\n{screen}");
        // Again: nothing more (the pane stays open on it).
        h.press(key);
        assert!(h.state.inspect.show_preview);
    }
}
