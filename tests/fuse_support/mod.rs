//! FUSE filesystems of the tests' own, on fusepy, beside this file: one whose
//! calls hang on demand (`slowfs.py`), one without stable inode numbers
//! (`linkfs.py`); each mounted in a temp dir and
//! unmounted on every path (a lazy unmount in `Drop`, then the daemon is
//! killed, which fails every request still waiting).
#![allow(dead_code, reason = "each test binary uses a different subset")]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// Imports fusepy under either name: `fuse` (PyPI) or `fusepy` (Debian).
const PROBE: &str = "try:\n import fuse\nexcept ImportError:\n import fusepy";

/// A python3 that has fusepy: Debian's own first (python3-fusepy is
/// installed for it), then the one on PATH.
fn python() -> PathBuf {
    for candidate in ["/usr/bin/python3", "python3"] {
        let ok = Command::new(candidate)
            .args(["-c", PROBE])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if ok {
            return PathBuf::from(candidate);
        }
    }
    panic!(
        "no python3 with fusepy: install python3-fusepy (Debian; .ci/run does) or \
         `pip install fusepy` with libfuse2"
    );
}

/// The mounted filesystem (see `slowfs.py` for its entries).
pub struct SlowFs {
    dir: TempDir,
    mnt: PathBuf,
    control: PathBuf,
    /// Holds the control file, read by the daemon at each call.
    _control_dir: TempDir,
    daemon: Child,
}

/// Starts `script` (beside this file) on a new mount point with `args` after
/// it, and waits until `fsname` is mounted there. None (after saying why on
/// stderr) where FUSE is not available: no /dev/fuse, or mounting refused.
fn start(
    script: &str,
    fsname: &str,
    args: &[&std::ffi::OsStr],
) -> Option<(TempDir, PathBuf, Child)> {
    if !Path::new("/dev/fuse").exists() {
        eprintln!("SKIPPED: /dev/fuse is missing, the FUSE test cannot run");
        return None;
    }
    let python = python();
    let dir = tempfile::Builder::new().prefix("statree-fuse").tempdir().expect("temp dir");
    let mnt = dir.path().join("mnt");
    fs::create_dir(&mnt).expect("mount point");
    let log = fs::File::create(dir.path().join("daemon.log")).expect("log");
    let mut daemon = Command::new(python)
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuse_support").join(script))
        .arg(&mnt)
        .args(args)
        .stdin(Stdio::null())
        .stdout(log.try_clone().expect("log"))
        .stderr(log)
        .spawn()
        .expect("start the FUSE daemon");
    let deadline = Instant::now() + Duration::from_secs(20);
    while !mounted(&mnt, fsname) {
        if let Ok(Some(status)) = daemon.try_wait() {
            let log = fs::read_to_string(dir.path().join("daemon.log")).unwrap_or_default();
            if log.contains("ermission denied") || log.contains("not permitted") {
                eprintln!("SKIPPED: mounting a FUSE filesystem is not permitted here: {log}");
                return None;
            }
            panic!("{script} exited ({status}) before mounting: {log}");
        }
        assert!(Instant::now() < deadline, "{script} did not mount within 20 s");
        std::thread::sleep(Duration::from_millis(20));
    }
    Some((dir, mnt, daemon))
}

/// Whether `fsname` is mounted on `mnt`.
fn mounted(mnt: &Path, fsname: &str) -> bool {
    let mountinfo = fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
    let mnt = mnt.to_string_lossy();
    mountinfo.lines().any(|l| l.split(' ').nth(4) == Some(&*mnt) && l.contains(fsname))
}

/// Unmounts `mnt` lazily (a process still inside does not keep it mounted)
/// and kills the daemon, which fails every request still waiting on it.
fn stop(mnt: &Path, daemon: &mut Child) {
    if let Ok(path) = std::ffi::CString::new(mnt.as_os_str().as_encoded_bytes()) {
        // SAFETY: umount2 with a valid NUL-terminated path.
        unsafe { libc::umount2(path.as_ptr(), libc::MNT_DETACH) };
    }
    let _ = daemon.kill();
    let _ = daemon.wait();
}

impl SlowFs {
    /// Mounts it; a stall lasts `delay`. None (after saying why on stderr)
    /// where FUSE is not available: no /dev/fuse, or mounting refused.
    pub fn mount(delay: Duration) -> Option<SlowFs> {
        let control_dir = tempfile::tempdir().expect("temp dir");
        let control = control_dir.path().join("control");
        fs::write(&control, b"").expect("control file");
        let delay = format!("{}", delay.as_secs_f64());
        let (dir, mnt, daemon) =
            start("slowfs.py", "slowfs", &[delay.as_ref(), control.as_os_str()])?;
        Some(SlowFs { dir, mnt, control, _control_dir: control_dir, daemon })
    }

    /// The mount point.
    pub fn path(&self) -> &Path {
        &self.mnt
    }

    /// The temp dir holding the mount point (for a sentinel beside it).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// From now on the calls named here ("getattr", "read", "readlink",
    /// "readdir") on the `slow…` entries wait for the delay.
    pub fn arm(&self, calls: &str) {
        fs::write(&self.control, calls).expect("write the control file");
    }
}

impl Drop for SlowFs {
    fn drop(&mut self) {
        let _ = fs::write(&self.control, b"");
        stop(&self.mnt, &mut self.daemon);
    }
}

/// A writable FUSE filesystem without stable inode numbers and without
/// `RENAME_NOREPLACE` (`linkfs.py`): one directory holding `f.txt`.
pub struct LinkFs {
    dir: TempDir,
    mnt: PathBuf,
    daemon: Child,
}

impl LinkFs {
    /// Mounts it; None (after saying why) where FUSE is not available.
    pub fn mount() -> Option<LinkFs> {
        let (dir, mnt, daemon) = start("linkfs.py", "linkfs", &[])?;
        Some(LinkFs { dir, mnt, daemon })
    }

    /// The mount point.
    pub fn path(&self) -> &Path {
        &self.mnt
    }

    /// The temp dir holding the mount point (for a sentinel beside it).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for LinkFs {
    fn drop(&mut self) {
        stop(&self.mnt, &mut self.daemon);
    }
}

/// CPU time (user and system) a process has used so far, from
/// `/proc/PID/stat` (in clock ticks of 10 ms, Linux's USER_HZ).
pub fn cpu_time(pid: u32) -> Duration {
    // A child that has just ended counts nothing more.
    let Ok(stat) = fs::read_to_string(format!("/proc/{pid}/stat")) else { return Duration::ZERO };
    let after = &stat[stat.rfind(')').expect("comm") + 2..];
    let fields: Vec<&str> = after.split(' ').collect();
    // utime and stime are fields 14 and 15; `after` starts at field 3.
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    Duration::from_millis(ticks * 10)
}

/// CPU time of `parent` and of its children: statree runs in a child of the
/// process started (`src/detach.rs`).
pub fn family_cpu_time(parent: u32) -> Duration {
    let mut total = cpu_time(parent);
    for child in children(parent) {
        total += cpu_time(child);
    }
    total
}

/// The pids whose parent is `pid`, from every `/proc/PID/stat` (the
/// `children` file needs a kernel option).
pub fn children(pid: u32) -> Vec<u32> {
    let Ok(procs) = fs::read_dir("/proc") else { return Vec::new() };
    procs
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|&p| {
            let stat = fs::read_to_string(format!("/proc/{p}/stat")).unwrap_or_default();
            let ppid = stat.rfind(')').and_then(|at| stat[at + 2..].split(' ').nth(1));
            ppid.and_then(|p| p.parse::<u32>().ok()) == Some(pid)
        })
        .collect()
}
