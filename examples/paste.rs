//! Drives `fsops::paste` the way `P` does (a count for the totals first,
//! then the copy) for `benches/copy.sh`: `paste DEST SRC...` prints the
//! seconds it took; `paste --cancel-after MS DEST SRC` sets the cancel flag
//! after MS milliseconds and prints how long the paste took to return after
//! that, and whether anything was left in DEST.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use statree::fsops::{self, Meter, PasteItem, PasteMode};
use statree::model::Identity;

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let cancel_after = if args.first().is_some_and(|a| a == "--cancel-after") {
        let ms: u64 = args[1].parse().expect("milliseconds");
        args.drain(..2);
        Some(Duration::from_millis(ms))
    } else {
        None
    };
    let dest = PathBuf::from(&args[0]);
    let items: Vec<PasteItem> = args[1..]
        .iter()
        .map(|s| {
            let source = PathBuf::from(s);
            let identity = Identity::read(&source).expect("source");
            PasteItem { source, identity, parents: Vec::new(), on_collision: None }
        })
        .collect();
    let cancel = Arc::new(AtomicBool::new(false));
    let meter = Meter::default();
    let start = Instant::now();
    let set_at = cancel_after.map(|after| {
        let cancel = cancel.clone();
        let at = Arc::new(std::sync::Mutex::new(None));
        let at2 = at.clone();
        std::thread::spawn(move || {
            std::thread::sleep(after);
            *at2.lock().unwrap() = Some(Instant::now());
            cancel.store(true, Ordering::Relaxed);
        });
        at
    });
    let (mut entries, mut bytes) = (0, 0);
    for item in &items {
        if let Ok(count) = fsops::count_tree(&item.source, item.identity, &cancel, &|_| {}) {
            entries += count.entries;
            bytes += count.bytes;
        }
    }
    meter.set_totals(entries, bytes);
    let report = fsops::paste(&items, &dest, PasteMode::Copy, &cancel, &meter).expect("paste");
    let done = Instant::now();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    match set_at {
        None => println!("{:.3}", done.duration_since(start).as_secs_f64()),
        Some(at) => {
            let at = at.lock().unwrap().expect("the cancel was set");
            let left = std::fs::read_dir(&dest).expect("dest").count();
            println!(
                "cancel reacted in {:.1} ms; cancelled={}; entries left in dest: {left}",
                done.duration_since(at).as_secs_f64() * 1000.0,
                report.cancelled
            );
        }
    }
}
