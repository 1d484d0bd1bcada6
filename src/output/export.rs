//! `-o FILE` / `--export FILE`: the scan as an ncdu JSON export, format 1.2
//! (<https://dev.yorhel.nl/ncdu/jsonfmt>), which ncdu and gdu read with `-f`.
//!
//! `[1,2,{metadata},[{root},{file},[{dir},…],…]]`: every directory is an
//! array whose first element is its own info object. Each info object has
//! `name`, `asize`, `dsize`, the extended fields `uid`, `gid`, `mode` (the
//! full `st_mode`) and `mtime` (seconds), and as ncdu writes them: `dev` on
//! the root and wherever it differs from the parent directory's, `ino`,
//! `hlnkc: true` and `nlink` on a non-directory with more than one name
//! (ncdu counts its bytes once per `dev`/`ino`), `read_error: true` on an
//! entry that could not be stat-ed or a directory that could not be read
//! (or a loop under `-L`), `notreg: true` on anything neither a regular file
//! nor a directory, and `excluded: "otherfs"` on a directory `-x` left
//! unread. An entry whose `lstat` failed has only its name, zero sizes and
//! `read_error`.
//!
//! Names are bytes. As ncdu itself writes them, `"`, `\` and control bytes
//! are escaped and every other byte is written as it is, so a name that is
//! not UTF-8 reaches the file, and ncdu's `-f` reads it back, unchanged.
//! The file is then not strict JSON; it is what ncdu and gdu exchange.
//!
//! The nesting follows directories while the scan delivers batches in
//! parallel order, so the tree is built first (as `--summary` builds it) and
//! written afterwards, depth first with an explicit stack: a tree thousands
//! of levels deep costs no call stack.

use std::collections::HashMap;
use std::io::{self, Write};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use crossbeam_channel::Receiver;

use super::{ErrorReporter, events};
use crate::model::{FileKind, NodeId, Tree};
use crate::scan::{EntryKey, ScanEvent};

/// What the export needs beyond the tree's 32 bytes a node: the device of
/// every directory and hard link, and the inode and link count of every hard
/// link. Other entries share their directory's device.
#[derive(Default)]
pub struct Identities {
    dev: HashMap<u32, u64>,
    links: HashMap<u32, (u64, u64)>,
}

/// Builds the tree and its [`Identities`] from every event, reporting errors
/// as they come.
pub fn build(rx: &Receiver<ScanEvent>, errors: &mut ErrorReporter<'_>) -> (Tree, Identities) {
    let mut tree = Tree::new();
    let mut ids = Identities::default();
    // (key, dev, ino, nlink, is a hard link) of the batch being applied.
    let mut pending: Vec<(EntryKey, u64, u64, u64, bool)> = Vec::new();
    for event in events(rx) {
        pending.clear();
        match &event {
            ScanEvent::Batch(batch) => {
                for (index, entry) in batch.entries.iter().enumerate() {
                    if let Some(error) = &entry.error {
                        errors.report(&batch.path_of(entry), error);
                    }
                    let Some(st) = &entry.stat else { continue };
                    let dir = st.kind() == FileKind::Dir;
                    let link = !dir && st.nlink > 1;
                    if dir || link {
                        pending.push((batch.key(index), st.dev, st.ino, st.nlink, link));
                    }
                }
            }
            ScanEvent::DirError { path, error, .. } | ScanEvent::RootError { path, error, .. } => {
                errors.report(path, error);
            }
            _ => {}
        }
        tree.apply(event);
        for &(key, dev, ino, nlink, link) in &pending {
            if let Some(id) = tree.resolve(key) {
                ids.dev.insert(id.0, dev);
                if link {
                    ids.links.insert(id.0, (ino, nlink));
                }
            }
        }
    }
    (tree, ids)
}

/// Scans and writes the export of the first root (`root`: its path as
/// given, written absolute as the format asks).
pub fn write(
    rx: &Receiver<ScanEvent>,
    root: &Path,
    out: &mut dyn Write,
    errors: &mut ErrorReporter<'_>,
) -> io::Result<()> {
    let (tree, ids) = build(rx, errors);
    let Some(id) = tree.roots().next() else {
        // The root could not be stat-ed: reported, and there is nothing to export.
        return Ok(());
    };
    let name = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
    let timestamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    write_tree(&tree, &ids, id, name.as_os_str().as_bytes(), timestamp, out)
}

/// Writes the export of the subtree at `root` (named `root_name`).
pub fn write_tree(
    tree: &Tree,
    ids: &Identities,
    root: NodeId,
    root_name: &[u8],
    timestamp: u64,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut buf = Vec::with_capacity(1 << 16);
    buf.extend_from_slice(b"[1,2,{\"progname\":\"statree\",\"progver\":\"");
    buf.extend_from_slice(env!("CARGO_PKG_VERSION").as_bytes());
    buf.extend_from_slice(format!("\",\"timestamp\":{timestamp}}},\n").as_bytes());
    let root_dev = ids.dev.get(&root.0).copied().unwrap_or(0);
    let is_dir = tree.kind(root) == FileKind::Dir;
    // Each level: the children still to write and the device they inherit.
    let mut stack: Vec<(std::vec::IntoIter<NodeId>, u64)> = Vec::new();
    if is_dir {
        buf.push(b'[');
    }
    info(tree, ids, root, root_name, None, &mut buf);
    if is_dir {
        stack.push((tree.children(root).collect::<Vec<_>>().into_iter(), root_dev));
    } else {
        buf.push(b'\n');
    }
    while let Some((children, dev)) = stack.last_mut() {
        let parent_dev = *dev;
        let Some(child) = children.next() else {
            buf.push(b']');
            stack.pop();
            if stack.is_empty() {
                buf.push(b'\n');
            }
            continue;
        };
        buf.extend_from_slice(b",\n");
        if tree.kind(child) == FileKind::Dir {
            buf.push(b'[');
            info(tree, ids, child, tree.name(child), Some(parent_dev), &mut buf);
            let dev = ids.dev.get(&child.0).copied().unwrap_or(parent_dev);
            stack.push((tree.children(child).collect::<Vec<_>>().into_iter(), dev));
        } else {
            info(tree, ids, child, tree.name(child), Some(parent_dev), &mut buf);
        }
        if buf.len() >= 1 << 16 {
            out.write_all(&buf)?;
            buf.clear();
        }
    }
    buf.extend_from_slice(b"]\n");
    out.write_all(&buf)
}

/// One info object (`parent_dev`: `None` for the root, which always says its device).
fn info(
    tree: &Tree,
    ids: &Identities,
    id: NodeId,
    name: &[u8],
    parent_dev: Option<u64>,
    buf: &mut Vec<u8>,
) {
    buf.extend_from_slice(b"{\"name\":");
    push_name(name, buf);
    if tree.stat_failed(id) {
        buf.extend_from_slice(b",\"read_error\":true}");
        return;
    }
    push_num(buf, "asize", tree.size(id));
    push_num(buf, "dsize", tree.allocated(id));
    if let Some(&dev) = ids.dev.get(&id.0)
        && parent_dev != Some(dev)
    {
        push_num(buf, "dev", dev);
    }
    if let Some(&(ino, nlink)) = ids.links.get(&id.0) {
        push_num(buf, "ino", ino);
        buf.extend_from_slice(b",\"hlnkc\":true");
        push_num(buf, "nlink", nlink);
    }
    if tree.has_error(id) {
        buf.extend_from_slice(b",\"read_error\":true");
    }
    let kind = tree.kind(id);
    if !matches!(kind, FileKind::Dir | FileKind::File) {
        buf.extend_from_slice(b",\"notreg\":true");
    }
    if tree.is_other_fs(id) {
        buf.extend_from_slice(b",\"excluded\":\"otherfs\"");
    }
    let (uid, gid) = tree.owner(id);
    push_num(buf, "uid", u64::from(uid));
    push_num(buf, "gid", u64::from(gid));
    push_num(buf, "mode", u64::from(tree.mode(id)));
    buf.extend_from_slice(format!(",\"mtime\":{}}}", tree.mtime(id)).as_bytes());
}

fn push_num(buf: &mut Vec<u8>, key: &str, value: u64) {
    buf.extend_from_slice(format!(",\"{key}\":{value}").as_bytes());
}

/// A name as ncdu writes one: quoted, `"` and `\` and control bytes
/// escaped, every other byte as it is (see the module docs).
pub fn push_name(name: &[u8], buf: &mut Vec<u8>) {
    buf.push(b'"');
    for &b in name {
        match b {
            b'"' => buf.extend_from_slice(b"\\\""),
            b'\\' => buf.extend_from_slice(b"\\\\"),
            b'\n' => buf.extend_from_slice(b"\\n"),
            b'\t' => buf.extend_from_slice(b"\\t"),
            0..0x20 | 0x7f => buf.extend_from_slice(format!("\\u{b:04x}").as_bytes()),
            _ => buf.push(b),
        }
    }
    buf.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::push_name;

    #[test]
    fn names_escape_quotes_and_controls_and_keep_other_bytes() {
        let mut buf = Vec::new();
        push_name(b"a\"b\\c\nd\x01e\xffz", &mut buf);
        assert_eq!(buf, b"\"a\\\"b\\\\c\\nd\\u0001e\xffz\"");
    }
}
