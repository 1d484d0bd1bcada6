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

/// Bytes read for a preview.
pub const PREVIEW_CAP: usize = 64 * 1024;

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
mod tests;
