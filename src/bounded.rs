//! Reading files that the user names but that may not be what they seem: a
//! FIFO (whose open or read would block for ever), a device such as
//! `/dev/zero` (endless), or a regular file far too large. Each is opened
//! without blocking, checked to be a regular file on the open handle, and
//! read with a cap.

use std::fs::File;
use std::io::{self, BufRead, Read};
use std::path::Path;

use rustix::fs::{FileType, Mode, OFlags};

/// Opens `path` (following symlinks) for reading without ever blocking on
/// the open; `Ok(Err(kind))` when it is not a regular file, `kind` saying
/// what it is ("a FIFO", "a character device", …).
pub fn open_regular(path: &Path) -> io::Result<Result<File, &'static str>> {
    // NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
    let flags = OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC | OFlags::NOCTTY;
    let fd = rustix::fs::open(path, flags, Mode::empty())?;
    let kind = match FileType::from_raw_mode(rustix::fs::fstat(&fd)?.st_mode) {
        FileType::RegularFile => return Ok(Ok(File::from(fd))),
        FileType::Fifo => "a FIFO",
        FileType::CharacterDevice => "a character device",
        FileType::BlockDevice => "a block device",
        FileType::Directory => "a directory",
        FileType::Socket => "a socket",
        _ => "not a regular file",
    };
    Ok(Err(kind))
}

/// Reads all of `file` as UTF-8 text, or `Ok(None)` when it holds more than
/// `max` bytes (only `max + 1` are ever read).
pub fn read_text(file: File, max: u64) -> io::Result<Option<String>> {
    let mut text = String::new();
    file.take(max + 1).read_to_string(&mut text)?;
    Ok((text.len() as u64 <= max).then_some(text))
}

/// Reads one line (with its `\n`) into `buf` as [`BufRead::read_until`]
/// does, but never more than `max + 1` bytes: `Ok(None)` when the line is
/// longer than `max` bytes.
pub fn read_line(
    reader: &mut impl BufRead,
    buf: &mut Vec<u8>,
    max: u64,
) -> io::Result<Option<usize>> {
    let read = reader.take(max + 1).read_until(b'\n', buf)?;
    let content = read - usize::from(buf.last() == Some(&b'\n'));
    Ok((content as u64 <= max).then_some(read))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifos_and_devices_are_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        rustix::fs::mkfifoat(rustix::fs::CWD, &fifo, Mode::from_raw_mode(0o600)).unwrap();
        assert_eq!(open_regular(&fifo).unwrap().unwrap_err(), "a FIFO");
        assert_eq!(
            open_regular(Path::new("/dev/zero")).unwrap().unwrap_err(),
            "a character device"
        );
        assert_eq!(open_regular(dir.path()).unwrap().unwrap_err(), "a directory");
        let file = dir.path().join("f");
        std::fs::write(&file, "abc").unwrap();
        let opened = open_regular(&file).unwrap().unwrap();
        assert_eq!(read_text(opened, 3).unwrap().as_deref(), Some("abc"));
        assert_eq!(read_text(open_regular(&file).unwrap().unwrap(), 2).unwrap(), None);
    }

    #[test]
    fn lines_are_capped() {
        let mut input: &[u8] = b"abc\nabcd\nab";
        let mut buf = Vec::new();
        assert_eq!(read_line(&mut input, &mut buf, 3).unwrap(), Some(4));
        buf.clear();
        assert_eq!(read_line(&mut input, &mut buf, 3).unwrap(), None);
        let mut input: &[u8] = b"ab";
        buf.clear();
        assert_eq!(read_line(&mut input, &mut buf, 3).unwrap(), Some(2));
        let mut endless = io::BufReader::new(io::repeat(0));
        buf.clear();
        assert_eq!(read_line(&mut endless, &mut buf, 1 << 20).unwrap(), None);
        assert_eq!(buf.len(), (1 << 20) + 1);
    }
}
