//! Reading the start of a file for the preview pane. File I/O only, no UI.
//!
//! A preview is taken of whatever the cursor rests on, so it must be safe for
//! anything a filesystem holds: it never opens anything but a regular file
//! (a FIFO or a tty could block forever, a device could have side effects),
//! never follows a symlink, and never blocks. The path is `lstat`-ed first,
//! opened with `O_NONBLOCK | O_NOFOLLOW | O_NOCTTY`, and the open handle is
//! checked to be the very file that was `lstat`-ed, so a path swapped in
//! between is refused rather than read.

use std::fmt::Write as _;
use std::os::fd::{AsFd, OwnedFd};
use std::path::Path;

use rustix::fs::{AtFlags, CWD, Mode, OFlags};
use rustix::io::Errno;

use crate::error::{FsError, Op};
use crate::model::FileKind;
use crate::scan::stat;

/// What a preview found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Preview {
    /// Not opened (not a regular file, or it changed under us, or it could
    /// not be opened). `why` is for people and not yet sanitized: it may hold
    /// a symlink's target.
    NotRead {
        /// The type the entry was found to have.
        kind: FileKind,
        /// Why it was not read.
        why: String,
    },
    /// A regular file with no bytes.
    Empty,
    /// UTF-8 text without NUL bytes. Not sanitized: it may hold control
    /// characters, which the UI escapes line by line.
    Text {
        /// The text (a multi-byte character cut by the cap is dropped).
        text: String,
        /// True when the file goes on past the cap.
        truncated: bool,
    },
    /// Anything else.
    Binary {
        /// The bytes read.
        bytes: Vec<u8>,
        /// True when the file goes on past the cap.
        truncated: bool,
    },
}

/// Reads at most `cap` bytes from the start of the regular file at `path`.
///
/// `Err` only when the path cannot be `lstat`-ed (gone, no permission on a
/// parent directory) or the opened handle cannot be `fstat`-ed; every other
/// reason not to show content is a [`Preview::NotRead`].
pub fn read_preview(path: &Path, cap: usize) -> Result<Preview, FsError> {
    // A path longer than PATH_MAX is reached from a handle of its parent.
    let raw = path.as_os_str().as_encoded_bytes();
    let (dir, name): (Option<OwnedFd>, &[u8]) = if raw.len() < stat::PATH_LIMIT {
        (None, raw)
    } else {
        let (dir, name) =
            stat::open_long_parent(raw).map_err(|e| FsError::errno(Op::Stat, path, e))?;
        (Some(dir), name)
    };
    let base = dir.as_ref().map_or(CWD, |d| d.as_fd());
    let st = rustix::fs::statat(base, name, AtFlags::SYMLINK_NOFOLLOW)
        .map_err(|e| FsError::errno(Op::Stat, path, e))?;
    let (kind, dev, ino) = identity(&st);
    if kind != FileKind::File {
        return Ok(Preview::NotRead { kind, why: not_regular_reason(path, kind) });
    }

    // NONBLOCK: a file with a mandatory lock, or one swapped for a FIFO after
    // the lstat, must not hang the UI. NOFOLLOW: one swapped for a symlink
    // fails with ELOOP instead of being followed. NOCTTY: one swapped for a
    // tty cannot become our controlling terminal.
    let flags =
        OFlags::RDONLY | OFlags::NONBLOCK | OFlags::NOFOLLOW | OFlags::CLOEXEC | OFlags::NOCTTY;
    let fd = match rustix::fs::openat(base, name, flags, Mode::empty()) {
        Ok(fd) => fd,
        Err(Errno::LOOP | Errno::NXIO | Errno::NOENT) => return Ok(changed(kind)),
        Err(err) => return Ok(not_opened(kind, err)),
    };
    let now = rustix::fs::fstat(&fd).map_err(|e| FsError::errno(Op::Stat, path, e))?;
    let (now_kind, now_dev, now_ino) = identity(&now);
    if now_kind != FileKind::File || (now_dev, now_ino) != (dev, ino) {
        return Ok(changed(now_kind));
    }

    let (mut bytes, eof_seen) = match read_capped(&fd, cap, size_hint(&now)) {
        Ok(read) => read,
        Err(err) => return Ok(not_opened(kind, err)),
    };
    // One byte past the cap was asked for, so end of file not seen means
    // either more follows or the read stopped early: cut short either way.
    let truncated = !eof_seen;
    bytes.truncate(cap);
    Ok(classify(bytes, truncated))
}

/// Type, device and inode of a stat record.
#[expect(clippy::unnecessary_cast, reason = "field widths differ between architectures")]
fn identity(st: &rustix::fs::Stat) -> (FileKind, u64, u64) {
    (FileKind::from_mode(st.st_mode as u32), st.st_dev as u64, st.st_ino as u64)
}

/// The file's size, as a first guess at the buffer to allocate.
fn size_hint(st: &rustix::fs::Stat) -> usize {
    usize::try_from(st.st_size.max(0)).unwrap_or(usize::MAX)
}

/// Reads up to `cap + 1` bytes (the extra one tells whether the file goes on).
/// Returns the bytes and whether end of file was reached. A read that would
/// block ends the preview early instead of waiting.
fn read_capped(fd: &OwnedFd, cap: usize, size_hint: usize) -> Result<(Vec<u8>, bool), Errno> {
    let want = cap.saturating_add(1);
    // Never allocate more than the file claims (plus the probe byte) up
    // front; a file that grows while read just grows the buffer.
    let mut buf: Vec<u8> = Vec::with_capacity(want.min(size_hint.saturating_add(1)).max(1));
    while buf.len() < want {
        if buf.len() == buf.capacity() {
            buf.reserve((want - buf.len()).min(64 * 1024));
        }
        let room = (want - buf.len()).min(buf.capacity() - buf.len());
        let start = buf.len();
        buf.resize(start + room, 0);
        match rustix::io::read(fd, &mut buf[start..]) {
            Ok(0) => {
                buf.truncate(start);
                return Ok((buf, true));
            }
            Ok(n) => buf.truncate(start + n),
            Err(Errno::INTR) => buf.truncate(start),
            Err(Errno::AGAIN) => {
                buf.truncate(start);
                return Ok((buf, false));
            }
            Err(err) => return Err(err),
        }
    }
    Ok((buf, false))
}

/// Text, binary or empty.
fn classify(bytes: Vec<u8>, truncated: bool) -> Preview {
    if bytes.is_empty() && !truncated {
        return Preview::Empty;
    }
    if bytes.contains(&0) {
        return Preview::Binary { bytes, truncated };
    }
    match String::from_utf8(bytes) {
        Ok(text) => Preview::Text { text, truncated },
        Err(err) => {
            let utf8 = err.utf8_error();
            // `error_len() == None`: the bytes end inside a character. That
            // is the cap's doing (not the file's) only when the file goes on.
            if truncated && utf8.error_len().is_none() {
                let valid = utf8.valid_up_to();
                let mut bytes = err.into_bytes();
                bytes.truncate(valid);
                let text = String::from_utf8(bytes).expect("valid up to this point");
                Preview::Text { text, truncated }
            } else {
                Preview::Binary { bytes: err.into_bytes(), truncated }
            }
        }
    }
}

/// Why an entry that is not a regular file was not opened.
fn not_regular_reason(path: &Path, kind: FileKind) -> String {
    match kind {
        FileKind::Dir => "directory".to_owned(),
        FileKind::Symlink => match rustix::fs::readlinkat(CWD, path, Vec::new()) {
            Ok(target) => {
                format!("symbolic link → {}", String::from_utf8_lossy(target.as_bytes()))
            }
            Err(err) => format!("symbolic link (target unreadable: {})", reason(err)),
        },
        FileKind::Fifo => "FIFO: not opened, reading could block".to_owned(),
        FileKind::Socket => "socket: not opened, there is nothing to read".to_owned(),
        FileKind::Char => {
            "character device: not opened, reading could block or never end".to_owned()
        }
        FileKind::Block => "block device: not opened".to_owned(),
        FileKind::Unknown => "unknown file type: not opened".to_owned(),
        FileKind::File => "regular file".to_owned(),
    }
}

/// The path was swapped between the `lstat` and the open.
fn changed(kind: FileKind) -> Preview {
    Preview::NotRead { kind, why: "changed while being opened: not read".to_owned() }
}

/// Opening or reading failed (no read permission, I/O error, …).
fn not_opened(kind: FileKind, err: Errno) -> Preview {
    Preview::NotRead { kind, why: format!("could not read: {}", reason(err)) }
}

/// The OS's wording, as every message says it.
fn reason(err: Errno) -> String {
    crate::error::os_reason(&std::io::Error::from(err))
}

/// A hex dump, `width` bytes a line (16 or 8; 0 is taken as 16):
/// `00000000  48 65 6c 6c 6f 0a  |Hello.|`. The last line is padded so the
/// text column lines up; bytes outside printable ASCII show as `.`.
pub fn hex_dump_lines(bytes: &[u8], width: usize) -> Vec<String> {
    let width = if width == 0 { 16 } else { width };
    bytes
        .chunks(width)
        .enumerate()
        .map(|(i, chunk)| {
            let mut line = String::with_capacity(12 + width * 4);
            let _ = write!(line, "{:08x} ", i * width);
            for byte in chunk {
                let _ = write!(line, " {byte:02x}");
            }
            for _ in chunk.len()..width {
                line.push_str("   ");
            }
            line.push_str("  |");
            line.extend(
                chunk.iter().map(|&b| if (0x20..0x7f).contains(&b) { b as char } else { '.' }),
            );
            line.push('|');
            line
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::symlink;
    use std::sync::mpsc;
    use std::time::Duration;

    use super::*;

    /// Runs `f` on a thread and fails if it does not finish promptly: a
    /// preview that blocks would otherwise hang the test run.
    fn promptly<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(f());
        });
        rx.recv_timeout(Duration::from_secs(5)).expect("read_preview blocked")
    }

    #[test]
    fn text_files_are_text() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        std::fs::write(&path, "héllo\n\tworld\x1b[31m\n").unwrap();
        assert_eq!(
            read_preview(&path, 1024).unwrap(),
            Preview::Text { text: "héllo\n\tworld\x1b[31m\n".to_owned(), truncated: false }
        );
        // Exactly at the cap: complete, not truncated.
        assert_eq!(
            read_preview(&path, 20).unwrap(),
            Preview::Text { text: "héllo\n\tworld\x1b[31m\n".to_owned(), truncated: false }
        );
    }

    #[test]
    fn binary_files_are_binary() {
        let dir = tempfile::tempdir().unwrap();
        let nul = dir.path().join("nul");
        std::fs::write(&nul, b"ELF\0\x01\x02").unwrap();
        assert_eq!(
            read_preview(&nul, 1024).unwrap(),
            Preview::Binary { bytes: b"ELF\0\x01\x02".to_vec(), truncated: false }
        );
        let latin1 = dir.path().join("latin1");
        std::fs::write(&latin1, b"caf\xe9 au lait").unwrap();
        assert!(matches!(read_preview(&latin1, 1024).unwrap(), Preview::Binary { .. }));
        // A character cut by the end of the file (not by the cap) is binary.
        let cut = dir.path().join("cut");
        std::fs::write(&cut, b"ab\xc3").unwrap();
        assert!(matches!(read_preview(&cut, 1024).unwrap(), Preview::Binary { .. }));
    }

    #[test]
    fn empty_files_are_empty() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("empty");
        std::fs::write(&path, b"").unwrap();
        assert_eq!(read_preview(&path, 1024).unwrap(), Preview::Empty);
    }

    #[test]
    fn large_files_stop_at_the_cap() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big");
        let content = "0123456789".repeat(100_000);
        std::fs::write(&path, &content).unwrap();
        assert_eq!(
            read_preview(&path, 4096).unwrap(),
            Preview::Text { text: content[..4096].to_owned(), truncated: true }
        );
        let mut bin = vec![0u8; 10_000];
        bin[5000] = 7;
        let bin_path = dir.path().join("bin");
        std::fs::write(&bin_path, &bin).unwrap();
        assert_eq!(
            read_preview(&bin_path, 100).unwrap(),
            Preview::Binary { bytes: vec![0; 100], truncated: true }
        );
        // A zero cap reads nothing but still knows the file has content.
        assert_eq!(
            read_preview(&path, 0).unwrap(),
            Preview::Text { text: String::new(), truncated: true }
        );
    }

    #[test]
    fn files_that_claim_size_zero_are_still_read() {
        // procfs reports st_size 0 for files with content: the buffer must
        // grow past the size hint.
        let path = Path::new("/proc/self/status");
        if path.exists() {
            match read_preview(path, 1 << 20).unwrap() {
                Preview::Text { text, truncated: false } => {
                    assert!(text.contains("Name:"), "{text}")
                }
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn a_character_cut_by_the_cap_is_dropped_not_binary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("utf8");
        // "aé€" = 61 | c3 a9 | e2 82 ac
        std::fs::write(&path, "aé€ and more").unwrap();
        for (cap, text) in [(1, "a"), (2, "a"), (3, "aé"), (4, "aé"), (5, "aé"), (6, "aé€")] {
            assert_eq!(
                read_preview(&path, cap).unwrap(),
                Preview::Text { text: text.to_owned(), truncated: true },
                "cap {cap}"
            );
        }
    }

    #[test]
    fn a_fifo_is_never_opened() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pipe");
        rustix::fs::mknodat(CWD, &path, rustix::fs::FileType::Fifo, Mode::from_raw_mode(0o644), 0)
            .unwrap();
        // Opening a FIFO for reading with no writer would block forever.
        let found = promptly(move || read_preview(&path, 1024).unwrap());
        match found {
            Preview::NotRead { kind: FileKind::Fifo, why } => {
                assert!(why.contains("FIFO") && why.contains("not opened"), "{why}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn symlinks_are_described_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target.txt");
        std::fs::write(&target, "secret").unwrap();
        let link = dir.path().join("link");
        symlink("target.txt", &link).unwrap();
        assert_eq!(
            read_preview(&link, 1024).unwrap(),
            Preview::NotRead {
                kind: FileKind::Symlink,
                why: "symbolic link → target.txt".to_owned()
            }
        );
        // A dangling one too.
        let dangling = dir.path().join("dangling");
        symlink("/nonexistent/x", &dangling).unwrap();
        assert!(matches!(
            read_preview(&dangling, 1024).unwrap(),
            Preview::NotRead { kind: FileKind::Symlink, .. }
        ));
        // A link to a FIFO is not opened either.
        let pipe = dir.path().join("pipe");
        rustix::fs::mknodat(CWD, &pipe, rustix::fs::FileType::Fifo, Mode::from_raw_mode(0o644), 0)
            .unwrap();
        let to_pipe = dir.path().join("to_pipe");
        symlink(&pipe, &to_pipe).unwrap();
        let found = promptly(move || read_preview(&to_pipe, 1024).unwrap());
        assert!(matches!(found, Preview::NotRead { kind: FileKind::Symlink, .. }), "{found:?}");
    }

    #[test]
    fn devices_and_directories_are_not_read() {
        let found = promptly(|| read_preview(Path::new("/dev/null"), 1024).unwrap());
        assert!(matches!(found, Preview::NotRead { kind: FileKind::Char, .. }), "{found:?}");
        if Path::new("/dev/zero").exists() {
            // Reading would never end.
            let found = promptly(|| read_preview(Path::new("/dev/zero"), 1024).unwrap());
            assert!(matches!(found, Preview::NotRead { kind: FileKind::Char, .. }), "{found:?}");
        }
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            read_preview(dir.path(), 1024).unwrap(),
            Preview::NotRead { kind: FileKind::Dir, why: "directory".to_owned() }
        );
    }

    #[test]
    fn a_missing_path_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let err = read_preview(&dir.path().join("gone"), 1024).unwrap_err();
        assert_eq!(err.op, Op::Stat);
        assert!(err.to_string().contains("gone"), "{err}");
    }

    #[test]
    fn an_unreadable_file_says_why() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("locked");
        std::fs::write(&path, "x").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
        // Root reads it anyway; only check the refusal when it is refused.
        if std::fs::File::open(&path).is_err() {
            match read_preview(&path, 1024).unwrap() {
                Preview::NotRead { kind: FileKind::File, why } => {
                    assert!(why.contains("ermission denied"), "{why}");
                }
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn hex_dump_matches_the_classic_layout() {
        assert_eq!(
            hex_dump_lines(b"Hello\n", 16),
            ["00000000  48 65 6c 6c 6f 0a                                |Hello.|"]
        );
        let bytes: Vec<u8> = (0u8..20).chain(*b"~\x7f\xff").collect();
        let lines = hex_dump_lines(&bytes, 8);
        assert_eq!(
            lines,
            [
                "00000000  00 01 02 03 04 05 06 07  |........|",
                "00000008  08 09 0a 0b 0c 0d 0e 0f  |........|",
                "00000010  10 11 12 13 7e 7f ff     |....~..|",
            ]
        );
        let sixteen = hex_dump_lines(&[b'A'; 17], 16);
        assert_eq!(sixteen[0], format!("00000000  {}  |{}|", ["41"; 16].join(" "), "A".repeat(16)));
        assert!(sixteen[1].starts_with("00000010  41 "));
        // Every line of a full dump has the same width, so the text column aligns.
        let lines = hex_dump_lines(&[0; 33], 16);
        assert!(lines.iter().all(|l| l.find('|') == Some(10 + 16 * 3 + 1)), "{lines:?}");
        assert_eq!(lines[0].len(), 77, "fits the pane's 78-column threshold");
        assert!(hex_dump_lines(b"", 16).is_empty());
        assert_eq!(hex_dump_lines(b"a", 0), hex_dump_lines(b"a", 16));
    }
}
