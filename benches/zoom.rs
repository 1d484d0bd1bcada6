//! Moving the view's root at a million entries.
//!
//! `cargo bench --bench zoom [-- TREE]`:
//!
//! 1. A synthetic tree (32,259 directories of 30 files under one root:
//!    1,000,000 entries, built without the filesystem) with the root and
//!    the first 100 directories open: `z` on a directory and `-` back out,
//!    timed from the key to the end of the next frame (update, row index,
//!    draw into `TestBackend` at 80×24). The same with every directory open
//!    (1,000,000 visible rows), the worst case for the row index: by name,
//!    by size, and by name with hidden entries off. Each key is timed in
//!    wall time and in this thread's CPU time (the machine is shared), with
//!    the row index rebuild's own wall time; the first `z` is shown apart
//!    (the bench opens the directories behind `update`'s back, so that key
//!    lists every one of them again).
//! 2. With TREE (default `/tmp/statree-bench/tree`, made by
//!    `benches/gen_tree.py`) present: TREE is scanned for real, then `-`
//!    makes its parent the root. Timed: key to the first frame showing the
//!    new root. Counted: the entries the parent's scan stat-ed (one per batch
//!    entry) against a serial count of what the parent holds outside TREE
//!    (the parent itself and TREE's own entry included: both are stat-ed).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use statree::config::{Config, SortKey};
use statree::model::{FileKind, NodeId};
use statree::scan::{self, Batch, EntryKey, EntryStat, Parent, ScanEvent, ScanOptions, Timespec};
use statree::theme::Theme;
use statree::view::{Effect, Msg, State, ViewOptions, update};

fn stat(mode: u32, size: u64, ino: u64) -> EntryStat {
    EntryStat {
        mode,
        size,
        blocks: size.div_ceil(512),
        ino,
        nlink: 1,
        dev: 1,
        mtime: Timespec { sec: 1_700_000_000, nsec: 0 },
        ..EntryStat::default()
    }
}

/// `/bench` with `dirs` directories of `files` files each.
fn build(state: &mut State, dirs: u64, files: u64) {
    let mut root = Batch::new(0, Parent::Root(0), Arc::from(Path::new("")), 0, 1);
    root.push(b"/bench", Some(stat(0o040_755, 4096, 1)), FileKind::Dir, None, true, false, None);
    state.tree.apply_batch(&root);
    let parent = EntryKey { batch: 0, index: 0 };
    let mut top = Batch::new(1, Parent::Dir(parent), Arc::from(Path::new("/b")), 0, dirs as u32);
    for d in 0..dirs {
        let name = format!("dir{d:05}");
        let st = stat(0o040_755, 4096, 10 + d);
        top.push(name.as_bytes(), Some(st), FileKind::Dir, None, true, false, None);
    }
    state.tree.apply_batch(&top);
    for d in 0..dirs {
        let key = top.key(d as usize);
        let mut batch =
            Batch::new(2 + d as u32, Parent::Dir(key), Arc::from(Path::new("/b")), 0, files as u32);
        for f in 0..files {
            let name = format!("file_{f:02}.txt");
            let st = stat(0o100_644, 100 + f, 1_000_000 + d * 64 + f);
            batch.push(name.as_bytes(), Some(st), FileKind::File, None, false, false, None);
        }
        state.tree.apply_batch(&batch);
    }
}

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

/// CPU time of this thread so far (the machine is shared: wall time
/// includes waiting for a core).
fn thread_cpu() -> Duration {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid, writable timespec.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &raw mut ts) };
    assert_eq!(rc, 0, "clock_gettime");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// One key to the end of its frame: wall and CPU time, and the row index
/// rebuild's own wall time.
struct Timed {
    wall: Duration,
    cpu: Duration,
    rebuild: Duration,
}

/// Key to the end of the next frame, as the loop does it.
fn frame_after(
    state: &mut State,
    terminal: &mut Terminal<TestBackend>,
    theme: &Theme,
    msg: Msg,
) -> (Timed, Vec<Effect>) {
    let (t, cpu) = (Instant::now(), thread_cpu());
    let effects = update(state, msg);
    state.refresh_rows();
    terminal.draw(|frame| statree::ui::draw(frame, state, theme)).expect("draw");
    let (wall, cpu) = (t.elapsed(), thread_cpu() - cpu);
    let rebuild = state.rows.last_rebuild.map_or(Duration::ZERO, |(_, d)| d);
    (Timed { wall, cpu, rebuild }, effects)
}

fn median_worst(mut times: Vec<Duration>) -> String {
    times.sort();
    format!("median {:.2?}, worst {:.2?}", times[times.len() / 2], times[times.len() - 1])
}

fn summary(times: &[Timed]) -> String {
    format!(
        "wall {}; cpu {}; rebuild {}",
        median_worst(times.iter().map(|t| t.wall).collect()),
        median_worst(times.iter().map(|t| t.cpu).collect()),
        median_worst(times.iter().map(|t| t.rebuild).collect()),
    )
}

fn zoom_in_and_out(all_open: bool, options: ViewOptions) {
    let config = Config::default();
    let theme = Theme::new(&config.colors, None, false);
    let mut state = State::new(config.keymap.clone(), options, Instant::now());
    state.scan.finished = Some(Duration::ZERO);
    state.screen.size = (80, 24);
    build(&mut state, 32_259, 30);
    let root = state.tree.roots().next().expect("a root");
    let dirs: Vec<NodeId> = state.tree.children(root).collect();
    state.rows.set_expanded(root, true);
    let open = if all_open { dirs.len() } else { 100 };
    for &dir in &dirs[..open] {
        state.rows.set_expanded(dir, true);
    }
    state.rebuild_rows();
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("test backend");
    let (mut zooms, mut outs) = (Vec::new(), Vec::new());
    let mut first = None;
    for i in 0..40 {
        let dir = dirs[(i * 797) % dirs.len()];
        let row = state.rows.position(dir).expect("a visible directory");
        state.cursor.row = row;
        let (t, effects) = frame_after(&mut state, &mut terminal, &theme, key('z'));
        assert!(
            !effects.iter().any(|e| matches!(e, Effect::ScanRoot { .. } | Effect::Rescan { .. }))
        );
        assert_eq!(state.rows.top, Some(dir));
        if i == 0 {
            // The directories were opened behind `update`'s back: this first
            // key lists every one of them again (see BENCHMARKS.md).
            let relists = effects.iter().filter(|e| matches!(e, Effect::Relist { .. })).count();
            first = Some((t.wall, t.cpu, relists));
        } else {
            zooms.push(t);
        }
        let (t, _) = frame_after(&mut state, &mut terminal, &theme, key('-'));
        assert_eq!(state.rows.top, None);
        outs.push(t);
    }
    let (first_wall, first_cpu, relists) = first.expect("a first zoom");
    println!(
        "entries {}, visible rows {}, sort {:?}, hidden entries {}:\n  first z (lists {relists} directories): \
         wall {first_wall:.2?}, cpu {first_cpu:.2?}\n  z (39): {}\n  - (40): {}\n  \
         orders sorted {}, reused {}, {} KiB kept",
        state.tree.totals().entries,
        state.rows.len(),
        state.rows.options.sort,
        if state.rows.options.show_hidden { "shown" } else { "hidden" },
        summary(&zooms),
        summary(&outs),
        state.rows.sorted.sorts,
        state.rows.sorted.reuses,
        state.rows.sorted.heap_bytes() / 1024,
    );
}

/// What a scan of `parent` that does not enter `skip` stats: the parent,
/// and every entry below it except those below `skip`.
fn serial_count(parent: &Path, skip: &Path) -> u64 {
    let mut count = 1;
    let mut stack = vec![parent.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            count += 1;
            let path = entry.path();
            if path != skip && entry.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(path);
            }
        }
    }
    count
}

fn up_above(tree: PathBuf) {
    let config = Config::default();
    let theme = Theme::new(&config.colors, None, false);
    let mut state = State::new(config.keymap.clone(), ViewOptions::default(), Instant::now());
    state.screen.size = (80, 24);
    let started = Instant::now();
    let handle = scan::start(ScanOptions::new(vec![tree.clone()])).expect("scan");
    for event in handle.events().iter() {
        let done = matches!(event, ScanEvent::Finished { .. });
        update(&mut state, Msg::Scan(event));
        if done {
            break;
        }
    }
    drop(handle);
    state.rebuild_rows();
    let scanned = state.tree.totals().entries;
    println!("{}: {scanned} entries scanned in {:.2?}", tree.display(), started.elapsed());
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("test backend");
    let (t, effects) = frame_after(&mut state, &mut terminal, &theme, key('-'));
    let t = t.wall;
    let Some(Effect::ScanRoot { ticket, path, skip }) =
        effects.into_iter().find(|e| matches!(e, Effect::ScanRoot { .. }))
    else {
        panic!("no scan of the parent");
    };
    let title =
        terminal.backend().buffer().content[..80].iter().map(|c| c.symbol()).collect::<String>();
    println!("- : first frame {t:.2?}; title: {}", title.trim_end());
    let serial = serial_count(&path, &skip[0]);
    let started = Instant::now();
    let options = ScanOptions { roots: vec![path.clone()], skip, ..ScanOptions::new(Vec::new()) };
    let handle = scan::start(options).expect("scan of the parent");
    let mut stated = 0u64;
    for event in handle.events().iter() {
        if let ScanEvent::Batch(batch) = &event {
            stated += batch.entries.len() as u64;
        }
        let done = matches!(event, ScanEvent::Finished { .. });
        update(&mut state, Msg::Rescan { ticket, event });
        if done {
            break;
        }
    }
    println!(
        "siblings scanned in {:.2?}: the walker stat-ed {stated} entries; a serial count of \
         {} outside {} gives {serial}; the tree holds {} entries now ({} before)",
        started.elapsed(),
        path.display(),
        tree.display(),
        state.tree.totals().entries,
        scanned
    );
}

fn main() {
    let by = |sort| ViewOptions { sort, ..ViewOptions::default() };
    zoom_in_and_out(false, by(SortKey::Name));
    zoom_in_and_out(true, by(SortKey::Name));
    zoom_in_and_out(true, by(SortKey::Size));
    zoom_in_and_out(true, ViewOptions { show_hidden: false, ..by(SortKey::Name) });
    let tree = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .map_or_else(|| PathBuf::from("/tmp/statree-bench/tree"), PathBuf::from);
    if tree.is_dir() {
        up_above(tree);
    } else {
        println!("{}: not there (benches/gen_tree.py makes it); `-` not measured", tree.display());
    }
}
