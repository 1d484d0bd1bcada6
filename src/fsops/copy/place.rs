//! Putting each pasted entry in place: the identity re-check, the refusal of
//! a directory pasted into itself, the name collision as the user decided
//! it, the build under a hidden name and the final rename (or exchange).

use std::ffi::{CStr, CString};
use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use rustix::fs::OFlags;
use rustix::io::Errno;

use super::tree::{Cancelled, Copier};
use super::{Meter, PasteReport, Placed};
use crate::error::{FsError, Op};
use crate::fsops::identity;
use crate::fsops::sys::{self, Located, Node};
use crate::fsops::transfer::{self, discard, hidden_name};
use crate::model::Identity;
use crate::model::mode::FileKind;
use crate::model::paste::{Collision, PasteItem, PasteMode};
use crate::scan::stat as scan_stat;

/// The sources whose name exists in `dest` now: index, name, and whether a
/// merge is possible (a directory onto a directory).
pub fn collisions(
    items: &[PasteItem],
    dest: &Path,
) -> Result<Vec<(usize, Vec<u8>, bool)>, FsError> {
    let dir = sys::open_dir_path(dest).map_err(|e| sys::errno(Op::OpenDir, dest, e))?;
    let mut found = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let Ok(located) = Located::new(&item.source, Op::Copy) else { continue };
        if let Ok(existing) = sys::node_at(dir.as_fd(), &located.name) {
            let merge = existing.kind() == FileKind::Dir && item.identity.kind == FileKind::Dir;
            found.push((i, located.name.into_bytes(), merge));
        }
    }
    Ok(found)
}

/// Pastes `items` into the directory `dest`. Per-entry refusals and failures
/// are in the report; only a target directory that cannot be opened fails as
/// a whole. `cancel` stops it between entries and inside a file's data (the
/// entry being written is removed).
pub fn paste(
    items: &[PasteItem],
    dest: &Path,
    mode: PasteMode,
    cancel: &AtomicBool,
    meter: &Meter,
) -> Result<PasteReport, FsError> {
    let dir = sys::open_dir_path(dest).map_err(|e| sys::errno(Op::OpenDir, dest, e))?;
    let dest_node = sys::node_of(dir.as_fd()).map_err(|e| sys::errno(Op::Stat, dest, e))?;
    let mut run = Run {
        copier: Copier::new(cancel, meter, dir.as_fd()),
        report: PasteReport::default(),
        mode,
    };
    for item in items {
        if cancel.load(Ordering::Relaxed) {
            run.report.cancelled = true;
            break;
        }
        if let Err(e) = run.item(item, dir.as_fd(), &dest_node, dest) {
            run.report.errors.push(e);
        }
    }
    let Run { copier, mut report, .. } = run;
    report.errors.extend(copier.errors);
    report.dropped_xattrs = copier.dropped;
    let (entries, bytes, _, _) = meter.read();
    (report.entries, report.bytes) = (entries, bytes);
    Ok(report)
}

struct Run<'a> {
    copier: Copier<'a>,
    report: PasteReport,
    mode: PasteMode,
}

/// A directory entries are placed in: the paste's target directory, or a
/// directory below it that a merge goes into.
struct Target<'t> {
    dir: BorrowedFd<'t>,
    node: &'t Node,
    path: &'t Path,
    /// Its path relative to the paste's target directory: empty, or ending
    /// in `/` (for the hard-link record, see `links.rs`).
    at: &'t [u8],
}

impl Target<'_> {
    /// The path of `name` in this directory, relative to the paste's target.
    fn below(&self, name: &CStr) -> Vec<u8> {
        [self.at, name.to_bytes()].concat()
    }
}

/// The source, found and re-checked.
struct Source {
    parent: OwnedFd,
    name: CString,
    path: PathBuf,
    node: Node,
}

impl Run<'_> {
    fn item(
        &mut self,
        item: &PasteItem,
        dest: BorrowedFd<'_>,
        dest_node: &Node,
        dest_path: &Path,
    ) -> Result<(), FsError> {
        let located = Located::new(&item.source, Op::Copy)?;
        let parent = located.open_parent(Op::Copy)?;
        let node = identity::check_at(parent.as_fd(), &located.name, &located.path, item.identity)?;
        if node.kind() == FileKind::Dir && inside(dest, &node) {
            return Err(sys::refuse(
                Op::Copy,
                &located.path,
                io::ErrorKind::InvalidInput,
                "cannot paste a directory into itself or below itself",
            ));
        }
        let src = Source { parent, name: located.name, path: located.path, node };
        let target = Target { dir: dest, node: dest_node, path: dest_path, at: &[] };
        self.place(&src, &target, item.on_collision)
    }

    /// Places one source in `target`, deciding its collision with `choice`.
    fn place(
        &mut self,
        src: &Source,
        target: &Target<'_>,
        choice: Option<Collision>,
    ) -> Result<(), FsError> {
        let (dest, dest_node, dest_path) = (target.dir, target.node, target.path);
        let target_path = sys::join(dest_path, src.name.to_bytes());
        let mut name = src.name.clone();
        let mut replace = None;
        match sys::node_at(dest, &src.name) {
            Err(Errno::NOENT) => {}
            Err(e) => return Err(sys::errno(Op::Stat, &target_path, e)),
            Ok(existing) => {
                let itself = existing.same_object(&src.node);
                match choice {
                    Some(Collision::KeepBoth) if self.mode == PasteMode::Copy || !itself => {
                        name = free_name(dest, &src.name, &target_path)?;
                    }
                    _ if itself => {
                        return Err(sys::refuse(
                            Op::Copy,
                            &target_path,
                            io::ErrorKind::AlreadyExists,
                            "is the source itself; only \"keep both\" can copy it here",
                        ));
                    }
                    None | Some(Collision::Skip) => {
                        self.report.skipped.push(target_path);
                        return Ok(());
                    }
                    Some(Collision::KeepBoth) => unreachable!("handled above"),
                    Some(Collision::Overwrite) => replace = Some(existing),
                    Some(Collision::Merge) => {
                        if existing.kind() == FileKind::Dir && src.node.kind() == FileKind::Dir {
                            return self.merge(src, target, &target_path, &existing);
                        }
                        return Err(sys::refuse(
                            Op::Copy,
                            &target_path,
                            io::ErrorKind::AlreadyExists,
                            "exists; only a directory onto a directory can be merged",
                        ));
                    }
                }
            }
        }
        let to = sys::join(dest_path, name.to_bytes());
        if self.mode == PasteMode::Move && src.node.dev == dest_node.dev {
            let (parent, expected) = (src.parent.as_fd(), src.node.identity());
            let moved = transfer::rename_into(
                parent,
                &src.name,
                &src.path,
                expected,
                dest,
                &name,
                &to,
                replace.as_ref(),
            );
            match moved {
                Ok(identity) => {
                    self.placed(src, to, identity, true, replace.is_some());
                    return Ok(());
                }
                // Another mount of the same filesystem: copy, as across devices.
                Err(e) if e.source.raw_os_error() == Some(Errno::XDEV.raw_os_error()) => {}
                Err(e) => return Err(e),
            }
        }
        let identity = match self.build(src, target, &name, replace.as_ref())? {
            Some(identity) => identity,
            None => return Ok(()),
        };
        // A move whose source could not go in full is in `not_moved` too.
        let moved = self.mode == PasteMode::Move;
        if moved {
            self.remove_source(src);
        }
        self.placed(src, to, identity, moved, replace.is_some());
        Ok(())
    }

    fn placed(&mut self, src: &Source, to: PathBuf, identity: Identity, moved: bool, over: bool) {
        if over {
            self.report.overwritten.push(to.clone());
        }
        self.report.placed.push(Placed { from: src.path.clone(), to, identity, moved });
    }

    /// Copies `src` under a hidden name in `dest`, then gives it `name`
    /// (exchanging it with `replace` when overwriting). `None` when cancelled.
    fn build(
        &mut self,
        src: &Source,
        target: &Target<'_>,
        name: &CStr,
        replace: Option<&Node>,
    ) -> Result<Option<Identity>, FsError> {
        let (dest, dest_path) = (target.dir, target.path);
        let hidden = hidden_name();
        let hidden_path = sys::join(dest_path, hidden.to_bytes());
        let (stat, born) = scan_stat::statx_at(src.parent.as_fd(), src.name.to_bytes(), false)
            .map_err(|e| sys::errno(Op::Stat, &src.path, e))?;
        let root = self.copier.links.begin(target.below(&hidden));
        let copied = self.copier.copy(
            src.parent.as_fd(),
            &src.name,
            (&stat, born),
            &src.path,
            dest,
            &hidden,
            root,
        );
        let mut gone = || {
            self.copier.links.moved(root, None);
            discard(dest, &hidden, &hidden_path);
        };
        match copied {
            Err(Cancelled) => {
                gone();
                self.report.cancelled = true;
                return Ok(None);
            }
            Ok(Err(e)) => {
                gone();
                return Err(e);
            }
            Ok(Ok(())) => {}
        }
        let to = sys::join(dest_path, name.to_bytes());
        if let Err(e) = transfer::settle(dest, &hidden, name, &to, replace) {
            gone();
            return Err(e);
        }
        self.copier.links.moved(root, Some(target.below(name)));
        if replace.is_some() {
            // The old entry now has the hidden name: remove it for good.
            discard(dest, &hidden, &hidden_path);
        }
        let node = sys::node_at(dest, name).map_err(|e| sys::errno(Op::Stat, &to, e))?;
        Ok(Some(node.identity()))
    }

    /// A directory onto an existing directory: each of its entries placed in
    /// the existing one (directories merge again, other collisions skip).
    fn merge(
        &mut self,
        src: &Source,
        target: &Target<'_>,
        target_path: &Path,
        existing: &Node,
    ) -> Result<(), FsError> {
        let dest = target.dir;
        let from = sys::open_dir_at(src.parent.as_fd(), &src.name).map_err(|e| {
            sys::explain_open_error(src.parent.as_fd(), &src.name, &src.path, Op::Copy, e)
        })?;
        let now = sys::node_of(from.as_fd()).map_err(|e| sys::errno(Op::Stat, &src.path, e))?;
        identity::check_node(&src.path, src.node.identity(), &now)?;
        let into = sys::open_dir_at(dest, &src.name)
            .map_err(|e| sys::errno(Op::OpenDir, target_path, e))?;
        let into_node =
            sys::node_of(into.as_fd()).map_err(|e| sys::errno(Op::Stat, target_path, e))?;
        if !into_node.same_object(existing) {
            return Err(identity::changed(target_path, existing.identity(), into_node.identity()));
        }
        let names =
            super::tree::list(from.as_fd()).map_err(|e| sys::errno(Op::ReadDir, &src.path, e))?;
        let mut at = target.below(&src.name);
        at.push(b'/');
        let inner = Target { dir: into.as_fd(), node: &into_node, path: target_path, at: &at };
        for child in names {
            if self.copier.cancel.load(Ordering::Relaxed) {
                self.report.cancelled = true;
                return Ok(());
            }
            let path = sys::join(&src.path, child.to_bytes());
            let node = match sys::node_at(from.as_fd(), &child) {
                Ok(node) => node,
                Err(e) => {
                    self.report.errors.push(sys::errno(Op::Stat, &path, e));
                    continue;
                }
            };
            let parent =
                rustix::io::dup(from.as_fd()).map_err(|e| sys::errno(Op::OpenDir, &src.path, e))?;
            let child_src = Source { parent, name: child, path, node };
            let choice =
                Some(if node.kind() == FileKind::Dir { Collision::Merge } else { Collision::Skip });
            if let Err(e) = self.place(&child_src, &inner, choice) {
                self.report.errors.push(e);
            }
        }
        if self.mode == PasteMode::Move {
            // Whatever of it was verified in the target (the directory
            // itself once emptied) goes.
            self.remove_source(src);
        }
        Ok(())
    }

    /// The source of a move across filesystems, once its copy is in place:
    /// only what was verified goes; what stays is listed in `not_moved`.
    fn remove_source(&mut self, src: &Source) {
        let (gone, errors) = transfer::remove_verified(
            src.parent.as_fd(),
            &src.name,
            &src.path,
            &src.node,
            &self.copier.verified,
            self.copier.cancel,
        );
        self.report.errors.extend(errors);
        if !gone {
            self.report.not_moved.push(src.path.clone());
        }
    }
}

/// True when the directory `dest` is `node` or below it (climbing `..` from
/// `dest` to the root).
fn inside(dest: BorrowedFd<'_>, node: &Node) -> bool {
    let Ok(mut fd) = rustix::io::dup(dest) else { return true };
    // Deeper than any real tree; a loop in `..` would end here.
    for _ in 0..65_536 {
        let Ok(here) = sys::node_of(fd.as_fd()) else { return true };
        if here.same_object(node) {
            return true;
        }
        let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
        let Ok(up) = rustix::fs::openat(&fd, c"..", flags, rustix::fs::Mode::empty()) else {
            return true;
        };
        match sys::node_of(up.as_fd()) {
            Ok(above) if above.same_object(&here) => return false,
            Ok(_) => fd = up,
            Err(_) => return true,
        }
    }
    true
}

/// The first of `name (1)`, `name (2)`, … that does not exist in `dest`.
fn free_name(dest: BorrowedFd<'_>, name: &CStr, path: &Path) -> Result<CString, FsError> {
    for n in 1..10_000u32 {
        let mut candidate = name.to_bytes().to_vec();
        candidate.extend_from_slice(format!(" ({n})").as_bytes());
        if candidate.len() > sys::NAME_MAX {
            break;
        }
        let candidate = CString::new(candidate).expect("no NUL");
        if sys::node_at(dest, &candidate) == Err(Errno::NOENT) {
            return Ok(candidate);
        }
    }
    Err(sys::refuse(
        Op::Copy,
        path,
        io::ErrorKind::AlreadyExists,
        "no free name of the form \"name (N)\"",
    ))
}
