//! The trees the tests scan: the main fixture with every kind of entry and
//! awkward name, chains of directories as deep as PATH_MAX and deeper, and a
//! very wide directory.

use std::ffi::OsStr;
use std::fs::{self, File, Permissions};
use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::os::unix::net::UnixListener;
use std::path::{Path, PathBuf};

use rustix::fs::{CWD, FileType, Mode, OFlags};
use tempfile::TempDir;

use super::serial_walk;

/// A temp dir that the unprivileged user `nobody` can traverse.
pub fn public_tempdir() -> TempDir {
    let tmp = TempDir::new().expect("create temp dir");
    fs::set_permissions(tmp.path(), Permissions::from_mode(0o755)).expect("chmod temp dir");
    tmp
}

/// The main fixture: every kind of entry and every awkward name.
pub struct Fixture {
    /// Keeps the tree alive.
    pub tmp: TempDir,
    /// The scan root (a directory inside the temp dir).
    pub root: PathBuf,
    pub plain: PathBuf,
    pub nested: PathBuf,
    pub leaf: PathBuf,
    pub hidden_file: PathBuf,
    pub hidden_dir: PathBuf,
    pub link_file: PathBuf,
    pub link_dir: PathBuf,
    pub dangling: PathBuf,
    pub loop_link: PathBuf,
    pub hard_a: PathBuf,
    pub hard_b: PathBuf,
    pub fifo: PathBuf,
    pub socket: PathBuf,
    pub setuid: PathBuf,
    pub setuid_noexec: PathBuf,
    pub setgid: PathBuf,
    pub sticky: PathBuf,
    pub sticky_noexec: PathBuf,
    pub spaced: PathBuf,
    pub newline: PathBuf,
    pub unicode: PathBuf,
    pub bad_utf8: PathBuf,
    pub escape: PathBuf,
    pub long_name: PathBuf,
    /// A name of exactly NAME_MAX (255) bytes.
    pub max_name: PathBuf,
    /// A sparse file with an apparent size over 4 GiB.
    pub sparse: PathBuf,
    /// A file modified in 2286 (seconds past `u32::MAX`), with nanoseconds.
    pub future: PathBuf,
    /// A file modified in 1938 (negative seconds).
    pub ancient: PathBuf,
    /// A dangling symlink whose target holds a newline, ESC and invalid UTF-8.
    pub odd_link: PathBuf,
    /// A file owned by a uid and gid with no name (54321:54321).
    pub orphan: PathBuf,
    /// A character device (1, 3) made with `mknod`; `None` without CAP_MKNOD.
    pub chardev: Option<PathBuf>,
}

fn write_file(path: &Path, contents: &[u8], mode: u32) {
    fs::write(path, contents).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    chmod(path, mode);
}

fn make_dir(path: &Path, mode: u32) {
    fs::create_dir(path).unwrap_or_else(|e| panic!("mkdir {}: {e}", path.display()));
    chmod(path, mode);
}

/// `chmod` that ignores the umask and keeps special bits.
pub fn chmod(path: &Path, mode: u32) {
    fs::set_permissions(path, Permissions::from_mode(mode))
        .unwrap_or_else(|e| panic!("chmod {:o} {}: {e}", mode, path.display()));
}

/// Builds the main fixture in a fresh temp dir (traversable by `nobody`).
pub fn fixture() -> Fixture {
    let tmp = public_tempdir();
    let root = tmp.path().join("root");
    make_dir(&root, 0o755);
    let p = |name: &[u8]| root.join(OsStr::from_bytes(name));

    let plain = p(b"plain.txt");
    write_file(&plain, b"hello, statree\n", 0o644);
    let nested = p(b"nested");
    make_dir(&nested, 0o755);
    write_file(&nested.join("inner.txt"), &[b'x'; 1000], 0o600);
    let deeper = nested.join("deeper");
    make_dir(&deeper, 0o750);
    let leaf = deeper.join("leaf.bin");
    write_file(&leaf, &[7u8; 5000], 0o640);
    make_dir(&deeper.join("empty"), 0o700);

    let hidden_file = p(b".hidden_file");
    write_file(&hidden_file, b"shh", 0o644);
    let hidden_dir = p(b".hidden_dir");
    make_dir(&hidden_dir, 0o755);
    write_file(&hidden_dir.join("secret.txt"), b"secret", 0o600);
    write_file(&hidden_dir.join(".also_hidden"), b"", 0o644);

    let link_file = p(b"link_to_file");
    symlink("plain.txt", &link_file).expect("symlink to file");
    let link_dir = p(b"link_to_dir");
    symlink("nested", &link_dir).expect("symlink to dir");
    let dangling = p(b"dangling");
    symlink("does/not/exist", &dangling).expect("dangling symlink");
    let loop_link = p(b"loop");
    symlink(".", &loop_link).expect("loop symlink");

    let hard_a = p(b"hard_a");
    write_file(&hard_a, &[b'h'; 3000], 0o644);
    let hard_b = p(b"hard_b");
    fs::hard_link(&hard_a, &hard_b).expect("hard link");

    let fifo = p(b"fifo");
    rustix::fs::mknodat(CWD, &fifo, FileType::Fifo, Mode::from_raw_mode(0o644), 0).expect("mkfifo");
    let socket = p(b"socket");
    drop(UnixListener::bind(&socket).expect("bind unix socket"));

    let setuid = p(b"setuid");
    write_file(&setuid, b"#!/bin/sh\n", 0o4755);
    let setuid_noexec = p(b"setuid_noexec");
    write_file(&setuid_noexec, b"", 0o4644);
    let setgid = p(b"setgid");
    write_file(&setgid, b"#!/bin/sh\n", 0o2755);
    let sticky = p(b"sticky");
    make_dir(&sticky, 0o1777);
    write_file(&sticky.join("shared.txt"), b"shared", 0o666);
    let sticky_noexec = p(b"sticky_noexec");
    make_dir(&sticky_noexec, 0o1770);

    let spaced = p(b"with space.txt");
    write_file(&spaced, b"space", 0o644);
    let newline = p(b"new\nline");
    write_file(&newline, b"nl", 0o644);
    let unicode = p("\u{fc}n\u{ef}c\u{f8}d\u{e9} \u{2603}.txt".as_bytes());
    write_file(&unicode, b"snow", 0o644);
    let bad_utf8 = p(b"bad\xffname");
    write_file(&bad_utf8, b"bad", 0o644);
    let escape = p(b"\x1b[31mred");
    write_file(&escape, b"red", 0o644);
    let long_name = p(&[b'L'; 200]);
    write_file(&long_name, b"long", 0o644);
    let max_name = p(&[b'M'; 255]);
    write_file(&max_name, b"max", 0o644);

    let sparse = p(b"sparse");
    File::create(&sparse).and_then(|f| f.set_len(5 << 30)).expect("sparse file");
    let future = p(b"future");
    write_file(&future, b"later", 0o644);
    set_mtime(&future, 10_000_000_000, 123_456_789);
    let ancient = p(b"ancient");
    write_file(&ancient, b"earlier", 0o644);
    set_mtime(&ancient, -1_000_000_000, 5);

    let odd_link = p(b"odd_link");
    symlink(OsStr::from_bytes(b"odd\n\x1b[2J\xfftarget"), &odd_link).expect("odd symlink");

    let orphan = p(b"orphan");
    write_file(&orphan, b"nobody's", 0o644);
    // Only root can give a file away; elsewhere it stays ours.
    let _ = std::os::unix::fs::lchown(&orphan, Some(54321), Some(54321));

    let chardev = p(b"null_device");
    let chardev = rustix::fs::mknodat(
        CWD,
        &chardev,
        FileType::CharacterDevice,
        Mode::from_raw_mode(0o666),
        rustix::fs::makedev(1, 3),
    )
    .ok()
    .map(|()| chardev);

    settle_atimes(&root);
    Fixture {
        tmp,
        root,
        plain,
        nested,
        leaf,
        hidden_file,
        hidden_dir,
        link_file,
        link_dir,
        dangling,
        loop_link,
        hard_a,
        hard_b,
        fifo,
        socket,
        setuid,
        setuid_noexec,
        setgid,
        sticky,
        sticky_noexec,
        spaced,
        newline,
        unicode,
        bad_utf8,
        escape,
        long_name,
        max_name,
        sparse,
        future,
        ancient,
        odd_link,
        orphan,
        chardev,
    }
}

/// Sets access and modification time (the filesystem may clamp them).
pub fn set_mtime(path: &Path, sec: i64, nsec: i64) {
    let t = rustix::fs::Timespec { tv_sec: sec, tv_nsec: nsec };
    let times = rustix::fs::Timestamps { last_access: t, last_modification: t };
    rustix::fs::utimensat(CWD, path, &times, rustix::fs::AtFlags::SYMLINK_NOFOLLOW)
        .unwrap_or_else(|e| panic!("utimensat {}: {e}", path.display()));
}

/// Reads every directory and symlink once, so that a later scan (which reads
/// them again) does not move their access times under `relatime`.
pub fn settle_atimes(root: &Path) {
    for (path, rec) in serial_walk(root) {
        if rec.is_symlink() {
            let _ = fs::read_link(&path);
        }
    }
}

/// A chain of nested directories, each holding one file `f`.
pub struct DeepTree {
    pub tmp: TempDir,
    /// The top of the chain (a directory inside the temp dir).
    pub root: PathBuf,
    /// Every directory of the chain, top first, as full (possibly too long) paths.
    pub dirs: Vec<PathBuf>,
}

impl Drop for DeepTree {
    fn drop(&mut self) {
        // Before the temp dir's own removal, which holds a handle per level.
        super::remove_tree_quietly(&self.root);
    }
}

/// Creates an empty file relative to a directory handle (`open(O_CREAT)` is
/// several times faster than `mknod(S_IFREG)` on ext4).
fn create_at(dir: &OwnedFd, name: &[u8]) {
    let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::CLOEXEC;
    drop(rustix::fs::openat(dir, name, flags, Mode::from_raw_mode(0o644)).expect("create file"));
}

fn open_dir_at(dir: &OwnedFd, name: &[u8]) -> OwnedFd {
    rustix::fs::openat(
        dir,
        name,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .expect("openat")
}

/// Builds `levels` nested directories with `name_len`-byte names under a fresh
/// temp dir, relative to open handles, so the full paths may exceed PATH_MAX.
pub fn deep_tree(levels: usize, name_len: usize) -> DeepTree {
    let tmp = public_tempdir();
    let root = tmp.path().join("deep");
    make_dir(&root, 0o755);
    let mut fd = rustix::fs::open(&root, OFlags::RDONLY | OFlags::DIRECTORY, Mode::empty())
        .expect("open deep root");
    let mut dirs = vec![root.clone()];
    let mut path = root.clone();
    for level in 0..levels {
        create_at(&fd, b"f");
        let mut name = format!("{level:03}").into_bytes();
        name.resize(name_len, b'd');
        rustix::fs::mkdirat(&fd, name.as_slice(), Mode::from_raw_mode(0o755)).expect("mkdirat");
        fd = open_dir_at(&fd, &name);
        path.push(OsStr::from_bytes(&name));
        dirs.push(path.clone());
    }
    DeepTree { tmp, root, dirs }
}

/// A directory holding `n` empty files.
pub struct WideDir {
    pub tmp: TempDir,
    pub path: PathBuf,
}

/// Creates a directory with `n` empty regular files. It lives on `/dev/shm`
/// (tmpfs) where there is one: creating 100,000 files on a loaded ext4 disk
/// can take tens of seconds, on tmpfs about one. Falls back to the default
/// temp dir when tmpfs is missing or too small.
pub fn wide_dir(n: usize) -> WideDir {
    let shm = Path::new("/dev/shm");
    if shm.is_dir()
        && let Ok(tmp) = tempfile::Builder::new().tempdir_in(shm)
        && let Ok(wide) = fill_wide(tmp, n)
    {
        return wide;
    }
    fill_wide(public_tempdir(), n).expect("create the wide directory")
}

fn fill_wide(tmp: TempDir, n: usize) -> rustix::io::Result<WideDir> {
    fs::set_permissions(tmp.path(), Permissions::from_mode(0o755)).expect("chmod temp dir");
    let path = tmp.path().join("wide");
    rustix::fs::mkdir(&path, Mode::from_raw_mode(0o755))?;
    let fd = rustix::fs::open(&path, OFlags::RDONLY | OFlags::DIRECTORY, Mode::empty())?;
    let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::CLOEXEC;
    for i in 0..n {
        let name = format!("f{i:07}");
        drop(rustix::fs::openat(&fd, name.as_str(), flags, Mode::from_raw_mode(0o644))?);
    }
    Ok(WideDir { tmp, path })
}
