//! The bytes of one regular file: only its data ranges (`SEEK_DATA` /
//! `SEEK_HOLE`), so a sparse file stays sparse, each range moved in the kernel
//! with `copy_file_range` (read/write where that is refused), in slices small
//! enough that a cancel is seen within a few milliseconds.

use std::os::fd::BorrowedFd;
use std::sync::atomic::{AtomicBool, Ordering};

use rustix::fs::SeekFrom;
use rustix::io::Errno;

use super::Meter;

/// At most this many bytes move between two looks at the cancel flag: at a
/// few GB/s that is a few milliseconds.
const SLICE: u64 = 8 << 20;

/// Why the data copy stopped.
#[derive(Debug)]
pub(super) enum Stop {
    Cancelled,
    Failed(Errno),
}

impl From<Errno> for Stop {
    fn from(e: Errno) -> Self {
        Stop::Failed(e)
    }
}

/// Copies the data ranges of `src` (of `size` bytes) into the empty `dst`,
/// which ends up `size` bytes long with holes where `src` has them.
///
/// Writing at an offset past the end leaves a hole before it, so only a
/// hole at the very end needs the length set, after the data. (Setting it
/// first was one more metadata update per file: on ext4, with the owner and
/// mode set again where they were already right, a copy of 100,000 small
/// files took 9.4 times as long as `cp -a`; see BENCHMARKS.md.)
pub(super) fn copy_data(
    src: BorrowedFd<'_>,
    dst: BorrowedFd<'_>,
    size: u64,
    cancel: &AtomicBool,
    meter: &Meter,
) -> Result<(), Stop> {
    let mut kernel = true;
    let mut at = 0u64;
    // The end of the data written so far: the length of `dst`.
    let mut written = 0u64;
    while at < size {
        let start = match rustix::fs::seek(src, SeekFrom::Data(at)) {
            Ok(start) => start,
            // No data after `at`: the rest is a hole.
            Err(Errno::NXIO) => break,
            // No SEEK_DATA here: all of it is data.
            Err(Errno::INVAL) | Err(Errno::OPNOTSUPP) => at,
            Err(e) => return Err(e.into()),
        };
        let end = match rustix::fs::seek(src, SeekFrom::Hole(start)) {
            Ok(end) => end.min(size),
            Err(Errno::INVAL) | Err(Errno::OPNOTSUPP) => size,
            Err(e) => return Err(e.into()),
        };
        let mut pos = start;
        while pos < end {
            if cancel.load(Ordering::Relaxed) {
                return Err(Stop::Cancelled);
            }
            let want = (end - pos).min(SLICE);
            let moved = if kernel {
                match copy_range(src, dst, pos, want) {
                    Ok(n) => n,
                    // Not between these two files: do it by hand from here on.
                    Err(Errno::XDEV)
                    | Err(Errno::NOSYS)
                    | Err(Errno::INVAL)
                    | Err(Errno::OPNOTSUPP) => {
                        kernel = false;
                        continue;
                    }
                    Err(e) => return Err(e.into()),
                }
            } else {
                read_write(src, dst, pos, want)?
            };
            if moved == 0 {
                // The source shrank while being read: keep what there was.
                return Err(Stop::Failed(Errno::IO));
            }
            pos += moved;
            written = pos;
            meter.add_bytes(moved);
        }
        at = end;
    }
    if written < size {
        // A hole at the end (or none of it is data).
        rustix::fs::ftruncate(dst, size)?;
    }
    Ok(())
}

fn copy_range(src: BorrowedFd<'_>, dst: BorrowedFd<'_>, pos: u64, len: u64) -> Result<u64, Errno> {
    let (mut from, mut to) = (pos, pos);
    let len = usize::try_from(len).unwrap_or(usize::MAX);
    rustix::fs::copy_file_range(src, Some(&mut from), dst, Some(&mut to), len).map(|n| n as u64)
}

fn read_write(src: BorrowedFd<'_>, dst: BorrowedFd<'_>, pos: u64, len: u64) -> Result<u64, Errno> {
    let mut buf = vec![0u8; len.min(1 << 20) as usize];
    let n = rustix::io::pread(src, &mut buf, pos)?;
    let mut done = 0;
    while done < n {
        done += rustix::io::pwrite(dst, &buf[done..n], pos + done as u64)?;
    }
    Ok(n as u64)
}
