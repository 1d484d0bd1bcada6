//! Cancelling a scan ends the walk and every one of its threads, whoever
//! still holds a receiver and whether or not anyone reads: a worker blocked
//! on the full channel wakes on the cancel alone. After the cancel the
//! process is idle. Thread counts are read from `/proc/self/task/*/comm`
//! (the scanner names its threads `statree-*`), CPU time from
//! `/proc/self/stat`.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use statree::scan::{self, ScanEvent, ScanHandle, ScanOptions};
use tempfile::TempDir;

/// The tests count the threads of the whole process: one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

/// Hard bound for every scan thread to end after a cancel. The issue asks
/// 100 ms; on two shared CI cores a test asserts this generous margin and
/// prints what it measured.
const ENDED_WITHIN: Duration = Duration::from_secs(2);

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|p| p.into_inner())
}

/// Threads of this process named by the scanner.
fn scan_threads() -> Vec<String> {
    let Ok(tasks) = fs::read_dir("/proc/self/task") else { return Vec::new() };
    tasks
        .filter_map(|task| fs::read_to_string(task.ok()?.path().join("comm")).ok())
        .map(|comm| comm.trim_end().to_string())
        .filter(|comm| comm.starts_with("statree-"))
        .collect()
}

/// Waits until no scanner thread is left; panics (naming them) after `bound`.
fn assert_threads_end(what: &str, since: Instant, bound: Duration) -> Duration {
    loop {
        let left = scan_threads();
        if left.is_empty() {
            let took = since.elapsed();
            eprintln!("{what}: every scan thread ended {took:?} after the cancel");
            return took;
        }
        assert!(since.elapsed() < bound, "{what}: threads still running after {bound:?}: {left:?}");
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// User plus system CPU time of this process, in clock ticks.
fn cpu_ticks() -> u64 {
    let stat = fs::read_to_string("/proc/self/stat").expect("read /proc/self/stat");
    // utime and stime are the 12th and 13th fields after the command name.
    let after = &stat[stat.rfind(')').expect("comm") + 2..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    fields[11].parse::<u64>().expect("utime") + fields[12].parse::<u64>().expect("stime")
}

/// Asserts the process uses (next to) no CPU over 200 ms: nothing spins.
fn assert_idle(what: &str) {
    let before = cpu_ticks();
    std::thread::sleep(Duration::from_millis(200));
    let used = cpu_ticks() - before;
    eprintln!("{what}: {used} clock ticks of CPU in the 200 ms after the threads ended");
    // One tick of the sampling itself may land in the window; a spinning
    // thread would use about 20.
    assert!(used <= 2, "{what}: {used} ticks of CPU in 200 ms after the cancel");
}

/// A temp dir on tmpfs when there is one: thousands of files in a second.
fn fast_tempdir() -> TempDir {
    tempfile::Builder::new()
        .tempdir_in("/dev/shm")
        .or_else(|_| TempDir::new())
        .expect("create temp dir")
}

/// `dirs` directories of `files` empty files each, under `tmp/tree`.
fn tree(tmp: &TempDir, dirs: usize, files: usize) -> PathBuf {
    let root = tmp.path().join("tree");
    for d in 0..dirs {
        let dir = root.join(format!("d{:02}/s{d:04}", d % 16));
        fs::create_dir_all(&dir).expect("mkdir");
        for f in 0..files {
            fs::File::create(dir.join(format!("f{f:03}"))).expect("create file");
        }
    }
    root
}

fn start(roots: Vec<PathBuf>, threads: usize) -> ScanHandle {
    scan::start(ScanOptions { threads, ..ScanOptions::new(roots) }).expect("start scan")
}

/// Waits (without reading) until the walk has filled the channel, so its
/// workers are blocked on it.
fn wait_full(handle: &ScanHandle) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !handle.events().is_full() {
        assert!(Instant::now() < deadline, "the channel never filled");
        std::thread::sleep(Duration::from_millis(5));
    }
    // Let every worker reach its blocked send.
    std::thread::sleep(Duration::from_millis(50));
}

/// Drops `handle` on a helper thread; panics when that takes over 10 s.
fn drop_within(handle: ScanHandle, what: &str) {
    common::with_timeout(10, what, move || drop(handle));
}

#[test]
fn cancel_alone_ends_a_walk_blocked_on_the_full_channel_while_a_receiver_lives() {
    let _serial = serial();
    let tmp = fast_tempdir();
    let root = tree(&tmp, 300, 20);
    let handle = start(vec![root], 2);
    // Another owner of the receiver, never reading: the drop of the
    // handle's own receiver cannot wake anyone.
    let kept = handle.events().clone();
    wait_full(&handle);
    let cancelled = Instant::now();
    handle.cancel();
    assert_threads_end("blocked walk, receiver kept", cancelled, ENDED_WITHIN);
    assert_idle("blocked walk, receiver kept");
    drop_within(handle, "dropping the cancelled handle");
    drop(kept);
}

#[test]
fn dropping_the_handle_while_a_clone_of_its_receiver_lives_ends_every_thread() {
    let _serial = serial();
    let tmp = fast_tempdir();
    let root = tree(&tmp, 300, 20);
    let handle = start(vec![root.clone(), root], 2);
    let kept = handle.events().clone();
    wait_full(&handle);
    let dropped = Instant::now();
    drop_within(handle, "dropping a handle whose receiver is cloned");
    assert_threads_end("handle dropped, receiver kept", dropped, ENDED_WITHIN);
    assert_idle("handle dropped, receiver kept");
    assert!(kept.len() <= kept.capacity().unwrap_or(usize::MAX));
}

#[test]
fn the_walk_past_path_max_stops_on_cancel_while_blocked() {
    let _serial = serial();
    // 200-byte names: from about the 20th level on, the handle-relative
    // walker takes over; 80 levels are far more batches than the channel holds.
    let deep = common::deep_tree(80, 200);
    let handle = start(vec![deep.root.clone()], 1);
    let kept = handle.events().clone();
    wait_full(&handle);
    let cancelled = Instant::now();
    handle.cancel();
    assert_threads_end("deep walk", cancelled, ENDED_WITHIN);
    assert_idle("deep walk");
    drop_within(handle, "dropping the deep walk");
    drop(kept);
}

#[test]
fn a_huge_flat_directory_stops_on_cancel() {
    let _serial = serial();
    // Over the split threshold: its slices are stat-ed on the second pool.
    let wide = common::wide_dir(60_000);
    let handle = start(vec![wide.path.clone()], 2);
    let kept = handle.events().clone();
    wait_full(&handle);
    let cancelled = Instant::now();
    handle.cancel();
    assert_threads_end("flat directory", cancelled, ENDED_WITHIN);
    assert_idle("flat directory");
    drop_within(handle, "dropping the flat walk");
    drop(kept);
}

/// A small xorshift generator: the points are random, the seed is printed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// How a random round stops its scan.
fn stop_scan(how: u64, handle: ScanHandle) {
    match how {
        // Cancel, then drop.
        0 => {
            handle.cancel();
            drop_within(handle, "cancel then drop");
        }
        // Drop while a clone of the receiver lives on, unread.
        1 => {
            let kept = handle.events().clone();
            drop_within(handle, "drop with a live receiver clone");
            drop(kept);
        }
        // Cancel and keep reading: the stream ends (queued batches may come).
        2 => {
            handle.cancel();
            let events = handle.events().clone();
            common::with_timeout(10, "reading a cancelled scan to its end", move || {
                for event in events.iter() {
                    if matches!(event, ScanEvent::Finished { .. }) {
                        break;
                    }
                }
            });
            drop_within(handle, "drop after reading");
        }
        // Cancel from a canceller while nobody reads; drop later.
        _ => {
            handle.canceller().cancel();
            let since = Instant::now();
            assert_threads_end("cancelled by a canceller", since, ENDED_WITHIN);
            drop_within(handle, "drop after the canceller");
        }
    }
}

#[test]
fn scans_cancelled_at_random_points_end_all_their_threads() {
    let _serial = serial();
    let tmp = fast_tempdir();
    let root = tree(&tmp, 200, 30);
    let wide = common::wide_dir(20_000);
    let seed = SystemTime::now().duration_since(UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64);
    eprintln!("random cancel points, seed {seed}");
    let mut rng = Rng(seed | 1);
    let mut slowest = Duration::ZERO;
    for round in 0..16 {
        let roots: Vec<PathBuf> = match rng.below(3) {
            0 => vec![root.clone()],
            1 => vec![wide.path.clone()],
            _ => vec![root.clone(), wide.path.clone(), Path::new("/nonexistent-root").into()],
        };
        let handle = start(roots, 1 + rng.below(3) as usize);
        // Read a random number of events first (0: the channel fills).
        let read = rng.below(400);
        for _ in 0..read {
            match handle.events().recv_timeout(Duration::from_secs(10)) {
                Ok(ScanEvent::Finished { .. }) | Err(_) => break,
                Ok(_) => {}
            }
        }
        if rng.below(2) == 0 {
            std::thread::sleep(Duration::from_millis(rng.below(30)));
        }
        let how = rng.below(4);
        let stopped = Instant::now();
        stop_scan(how, handle);
        let took =
            assert_threads_end(&format!("round {round} (stop {how})"), stopped, ENDED_WITHIN);
        slowest = slowest.max(took);
    }
    eprintln!("slowest end of all threads: {slowest:?}");
    assert_idle("after the random rounds");
}

/// How long every thread may take to end after a cancel that lands while a
/// huge directory is being listed. The issue asks 100 ms; on two shared CI
/// cores in a debug build the test asserts this margin and prints the time.
const LISTING_ENDED_WITHIN: Duration = Duration::from_millis(500);

/// Starts a scan of `roots` with a consumer thread that reads every event,
/// like the interface does; returns once the first batch has arrived.
fn start_consumed(
    roots: Vec<PathBuf>,
    threads: usize,
) -> (ScanHandle, std::thread::JoinHandle<()>) {
    let handle = start(roots, threads);
    let events = handle.events().clone();
    let (first_tx, first) = std::sync::mpsc::channel();
    let consumer = std::thread::spawn(move || {
        for event in events.iter() {
            let _ = first_tx.send(());
            if matches!(event, ScanEvent::Finished { .. }) {
                break;
            }
        }
    });
    first.recv_timeout(Duration::from_secs(20)).expect("the first batch arrives");
    (handle, consumer)
}

#[test]
fn a_cancel_while_a_huge_directory_is_listed_ends_every_thread_at_once() {
    let _serial = serial();
    // The root's batch comes before its listing: the cancel lands while the
    // 300,000 names are being read, with the consumer still reading.
    let wide = common::wide_dir(300_000);
    let (handle, consumer) = start_consumed(vec![wide.path.clone()], 2);
    let ticks = cpu_ticks();
    let cancelled = Instant::now();
    handle.cancel();
    assert_threads_end("listing a huge directory", cancelled, LISTING_ENDED_WITHIN);
    std::thread::sleep(LISTING_ENDED_WITHIN.saturating_sub(cancelled.elapsed()));
    let used = cpu_ticks() - ticks;
    eprintln!(
        "listing a huge directory: {used} clock ticks of CPU in the {LISTING_ENDED_WITHIN:?} from the cancel"
    );
    // A listing that goes on after the cancel, and the threads spinning while
    // they wait for it, would use tens of ticks.
    assert!(used <= 2, "{used} ticks of CPU in the {LISTING_ENDED_WITHIN:?} after the cancel");
    drop_within(handle, "dropping the cancelled listing");
    common::with_timeout(10, "the consumer sees the stream end", move || consumer.join())
        .expect("the consumer ends");
}

/// Not a test: measures, on the trees named in `STATREE_CANCEL_PROBE`
/// (colon-separated), how long after a cancel every scan thread has ended,
/// for cancels at several points of the scan. Run it with
/// `STATREE_CANCEL_PROBE=/tmp/statree-bench/tree cargo test --release --test scan_cancel -- --ignored --nocapture probe`.
#[test]
#[ignore = "a measurement, run by hand"]
fn probe_threads_ended_after_cancel() {
    let _serial = serial();
    let Ok(roots) = std::env::var("STATREE_CANCEL_PROBE") else { return };
    for root in roots.split(':') {
        let mut times = Vec::new();
        let mut ticks = Vec::new();
        for delay_ms in [0u64, 20, 50, 100, 200, 400, 800] {
            let (handle, consumer) = start_consumed(vec![PathBuf::from(root)], 0);
            std::thread::sleep(Duration::from_millis(delay_ms));
            let before = cpu_ticks();
            let cancelled = Instant::now();
            handle.cancel();
            let took = assert_threads_end(root, cancelled, Duration::from_secs(30));
            ticks.push(cpu_ticks() - before);
            times.push(took);
            drop(handle);
            consumer.join().expect("the consumer ends");
        }
        times.sort();
        eprintln!(
            "PROBE {root}: threads ended after cancel: min {:?} median {:?} max {:?}; CPU ticks from cancel to end {:?}",
            times[0],
            times[times.len() / 2],
            times[times.len() - 1],
            ticks
        );
    }
}
