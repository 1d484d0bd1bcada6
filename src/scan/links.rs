//! Where a symlink points, for `symlink-outside-root`.
//!
//! The rule: a link is *outside* when the place its target resolves to is
//! neither the scanned root nor below it, both compared as canonical absolute
//! paths (`realpath`, every symlink on the way resolved).
//!
//! * The root is `realpath(root)`.
//! * When the link can be followed to something that exists,
//!   `realpath(link)` is where it lands — through any further links, so a link
//!   to a link that leads out of the tree is outside too.
//! * When it cannot (dangling, a loop, a component not searchable), the target
//!   is resolved lexically: an absolute target as written, a relative one
//!   joined to `realpath` of the link's directory, then `.` and `..` removed
//!   component by component (`/..` is `/`).
//! * When neither can be worked out (the root or the link's directory has no
//!   `realpath`, e.g. past PATH_MAX), the answer is unknown and no finding is
//!   made.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path, PathBuf};

/// Removes `.` and resolves `..` against the component before it, without
/// touching the filesystem. `..` above the start of an absolute path stays
/// at `/`; above the start of a relative one it is kept.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir) => {}
                _ => out.push(".."),
            },
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// The lexical destination of `target` for a link in directory `link_dir`.
pub fn lexical_target(link_dir: &Path, target: &[u8]) -> PathBuf {
    let target = Path::new(OsStr::from_bytes(target));
    if target.is_absolute() { normalize(target) } else { normalize(&link_dir.join(target)) }
}

/// True when `resolved` is neither `root` nor below it (component-wise, so
/// `/srv/www2` is outside `/srv/www`).
pub fn is_outside(resolved: &Path, root: &Path) -> bool {
    !resolved.starts_with(root)
}

/// Applies the module's rule to the link at `link` (as scanned) with raw
/// `target`, for a root whose `realpath` is `root_real`. Does I/O
/// (`realpath`); `None` when the answer cannot be worked out.
pub fn outside_root(link: &Path, target: &[u8], root_real: &Path) -> Option<bool> {
    if let Ok(real) = std::fs::canonicalize(link) {
        return Some(is_outside(&real, root_real));
    }
    let target_path = Path::new(OsStr::from_bytes(target));
    let resolved = if target_path.is_absolute() {
        normalize(target_path)
    } else {
        let dir = match link.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        lexical_target(&std::fs::canonicalize(dir).ok()?, target)
    };
    Some(is_outside(&resolved, root_real))
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::symlink;

    use super::*;

    #[test]
    fn normalize_is_lexical() {
        assert_eq!(normalize(Path::new("/a/b/../c/./d")), Path::new("/a/c/d"));
        assert_eq!(normalize(Path::new("/../../etc")), Path::new("/etc"));
        assert_eq!(normalize(Path::new("/a/b/../../..")), Path::new("/"));
        assert_eq!(normalize(Path::new("a/../../b")), Path::new("../b"));
        assert_eq!(normalize(Path::new("/a//b/")), Path::new("/a/b"));
    }

    #[test]
    fn lexical_targets() {
        let dir = Path::new("/srv/www/site");
        assert_eq!(lexical_target(dir, b"../logs/x"), Path::new("/srv/www/logs/x"));
        assert_eq!(lexical_target(dir, b"../../../etc/passwd"), Path::new("/etc/passwd"));
        assert_eq!(lexical_target(dir, b"/etc/../srv/www"), Path::new("/srv/www"));
        assert_eq!(lexical_target(dir, b"."), Path::new("/srv/www/site"));
    }

    #[test]
    fn outside_is_component_wise() {
        let root = Path::new("/srv/www");
        assert!(!is_outside(Path::new("/srv/www"), root));
        assert!(!is_outside(Path::new("/srv/www/a/b"), root));
        assert!(is_outside(Path::new("/srv/www2"), root));
        assert!(is_outside(Path::new("/srv"), root));
        assert!(is_outside(Path::new("/etc/passwd"), root));
    }

    #[test]
    fn the_rule_on_a_real_tree() {
        let tmp = tempfile::TempDir::new().unwrap();
        let base = std::fs::canonicalize(tmp.path()).unwrap();
        let root = base.join("root");
        let sub = root.join("sub");
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::create_dir(base.join("elsewhere")).unwrap();
        let abs_in = root.join("sub");
        let cases: [(&str, &[u8], bool); 7] = [
            // Existing targets: realpath.
            ("sub/up", b"..", false),
            ("sub/out", b"../../elsewhere", true),
            ("abs_in", abs_in.as_os_str().as_bytes(), false),
            // A link inside the tree that leads out through another link.
            ("via", b"sub/out", true),
            // Dangling: lexical.
            ("sub/dangling_in", b"../nothing/here", false),
            ("sub/dangling_out", b"../../nothing", true),
            ("dangling_abs", b"/nonexistent/x", true),
        ];
        for (name, target, _) in &cases {
            symlink(OsStr::from_bytes(target), root.join(name)).unwrap();
        }
        for (name, target, outside) in cases {
            assert_eq!(
                outside_root(&root.join(name), target, &root),
                Some(outside),
                "{name} -> {}",
                String::from_utf8_lossy(target)
            );
        }
        // A loop cannot be followed: lexical, and it stays inside.
        symlink("loop_b", root.join("loop_a")).unwrap();
        symlink("loop_a", root.join("loop_b")).unwrap();
        assert_eq!(outside_root(&root.join("loop_a"), b"loop_b", &root), Some(false));
    }
}
