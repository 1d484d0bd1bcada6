//! Frame build time at 1,000,000 entries, fully expanded.
//!
//! `cargo bench --bench frame` builds a synthetic tree (32,259 directories
//! of 30 files under one root: 1,000,000 entries) without touching the
//! filesystem, expands everything, builds the visible-row index once, then
//! draws frames into ratatui's `TestBackend` while moving the selection, and
//! prints the median and worst frame time, without and with every extra
//! column (`t`). The frame cost must not depend on
//! the tree size: only the rows on screen are drawn.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use statree::config::Config;
use statree::model::{FileKind, NodeId};
use statree::scan::{Batch, EntryKey, EntryStat, Parent, Timespec};
use statree::theme::Theme;
use statree::view::{State, ViewOptions};

fn stat(mode: u32, size: u64, ino: u64) -> EntryStat {
    EntryStat {
        mode,
        size,
        blocks: size.div_ceil(512),
        ino,
        nlink: 1,
        dev: 1,
        mtime: Timespec { sec: 1_700_000_000 + ino as i64, nsec: 0 },
        ..EntryStat::default()
    }
}

fn build(state: &mut State, dirs: u64, files: u64) {
    let mut root = Batch::new(0, Parent::Root(0), Arc::from(Path::new("")), 0, 1);
    root.push(b"/bench", Some(stat(0o040_755, 4096, 1)), FileKind::Dir, None, true, false, None);
    state.tree.apply_batch(&root);
    let parent = EntryKey { batch: 0, index: 0 };
    let mut top =
        Batch::new(1, Parent::Dir(parent), Arc::from(Path::new("/bench")), 0, dirs as u32);
    for d in 0..dirs {
        let name = format!("dir{d:05}");
        top.push(
            name.as_bytes(),
            Some(stat(0o040_755, 4096, 10 + d)),
            FileKind::Dir,
            None,
            true,
            false,
            None,
        );
    }
    state.tree.apply_batch(&top);
    for d in 0..dirs {
        let key = top.key(d as usize);
        let mut batch =
            Batch::new(2 + d as u32, Parent::Dir(key), Arc::from(Path::new("/b")), 0, files as u32);
        for f in 0..files {
            let name = format!("file_{f:02}.txt");
            let ino = 1_000_000 + d * 64 + f;
            batch.push(
                name.as_bytes(),
                Some(stat(0o100_644, 100 + f, ino)),
                FileKind::File,
                None,
                false,
                false,
                None,
            );
        }
        state.tree.apply_batch(&batch);
    }
}

fn main() {
    let config = Config::default();
    let theme = Theme::new(&config.colors, None, false);
    let mut state = State::new(config.keymap.clone(), ViewOptions::default(), Instant::now());
    let started = Instant::now();
    build(&mut state, 32_259, 30);
    let built = started.elapsed();
    let ids: Vec<NodeId> = state.tree.node_ids().collect();
    for &id in &ids {
        if state.tree.kind(id) == FileKind::Dir {
            state.rows.set_expanded(id, true);
        }
    }
    let started = Instant::now();
    state.rebuild_rows();
    let rebuilt = started.elapsed();
    println!("entries: {}  visible rows: {}", state.tree.totals().entries, state.rows.len());
    println!("tree built in {built:.2?}; row index rebuilt in {rebuilt:.2?}");

    // No extra columns, then every column (`t` pressed through the cycle).
    let every = state.columns.cycle.len();
    for ((w, h), columns) in
        [(80u16, 24u16), (200, 60)].into_iter().flat_map(|size| [(size, 0), (size, every)])
    {
        let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test backend");
        state.screen.size = (w, h);
        state.columns.current = columns;
        let label = if columns == 0 { "" } else { " with every column" };
        let mut times: Vec<Duration> = Vec::new();
        for i in 0..400usize {
            // Jump around the whole tree so every frame draws different rows.
            state.cursor.row = (i * 2_503) % state.rows.len();
            state.cursor.scroll = state.cursor.row.saturating_sub(5);
            let t = Instant::now();
            terminal.draw(|frame| statree::ui::draw(frame, &state, &theme)).expect("draw");
            times.push(t.elapsed());
        }
        times.sort();
        let median = times[times.len() / 2];
        let p99 = times[times.len() * 99 / 100];
        println!(
            "frame {w}x{h}{label}: median {median:.2?}, p99 {p99:.2?}, worst {:.2?}",
            times[times.len() - 1]
        );
    }
}
