//! `-o FILE` / `--export FILE`: the ncdu export (format 1.2) against a
//! fixture (sizes, extended fields, hard links, a non-UTF-8 name, a read
//! error as `nobody`, an `-x` mount point), what ncdu itself reads back, and
//! a 5,000-level tree.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::{MetadataExt, symlink};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use common::{chmod, public_tempdir, statree_bin};
use serde_json::Value;
use tempfile::TempDir;

const BAD: &[u8] = b"bad\xffname";

/// A small tree: a hard-linked file, a symlink, a non-UTF-8 name, a name
/// with a quote and a newline, a nested file of 10,000 bytes.
fn fixture() -> (TempDir, PathBuf) {
    let tmp = public_tempdir();
    let root = tmp.path().join("root");
    fs::create_dir_all(root.join("d/e")).unwrap();
    fs::write(root.join("a"), b"hello").unwrap();
    fs::hard_link(root.join("a"), root.join("d/hard")).unwrap();
    fs::write(root.join("d/e/big"), vec![0u8; 10_000]).unwrap();
    fs::write(tmp.path().join("root").join(common::path_from(BAD)), b"xyz").unwrap();
    fs::write(root.join("quo\"te\nnl"), b"q").unwrap();
    symlink("a", root.join("sym")).unwrap();
    (tmp, root)
}

fn statree(args: &[&std::ffi::OsStr]) -> Output {
    let mut cmd = Command::new(statree_bin());
    cmd.args(args).stdin(Stdio::null());
    common::with_timeout(120, "statree", move || cmd.output().expect("run statree"))
}

/// Parses an export (bytes that are not UTF-8 read as U+FFFD) into its
/// entries by path (`/`-joined names below the root, `""` for the root).
fn entries(export: &[u8]) -> BTreeMap<String, Value> {
    let doc: Value = serde_json::from_str(&String::from_utf8_lossy(export)).expect("valid JSON");
    let top = doc.as_array().expect("top-level array");
    assert_eq!((&top[0], &top[1]), (&Value::from(1), &Value::from(2)), "format 1.2");
    assert!(top[2].is_object(), "metadata object");
    let mut out = BTreeMap::new();
    // (item, path of its parent); the root is named by its full path.
    let mut stack: Vec<(&Value, Option<String>)> = vec![(&top[3], None)];
    while let Some((item, parent)) = stack.pop() {
        let (info, children) = match item {
            Value::Array(dir) => (&dir[0], &dir[1..]),
            info => (info, &[][..]),
        };
        let name = info["name"].as_str().expect("name");
        let path = match &parent {
            None => String::new(),
            Some(p) if p.is_empty() => name.to_string(),
            Some(p) => format!("{p}/{name}"),
        };
        let mut info = info.clone();
        info["is_dir"] = Value::from(item.is_array());
        for child in children {
            stack.push((child, Some(path.clone())));
        }
        assert!(out.insert(path, info).is_none(), "each entry once");
    }
    out
}

fn num(info: &Value, key: &str) -> u64 {
    info.get(key).and_then(Value::as_u64).unwrap_or(0)
}

#[test]
fn export_matches_lstat_of_every_entry() {
    let (_tmp, root) = fixture();
    let out = statree(&["-o".as_ref(), "-".as_ref(), root.as_os_str()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let raw = &out.stdout;
    assert!(raw.windows(BAD.len()).any(|w| w == BAD), "the non-UTF-8 name is written as its bytes");
    let map = entries(raw);
    let walk = common::serial_walk(&root);
    assert_eq!(map.len(), walk.len(), "every entry once: {:?}", map.keys());
    assert_eq!(
        map[""]["name"],
        Value::from(root.to_str().unwrap()),
        "the root by its absolute path"
    );
    for path in walk.keys() {
        let rel = path.strip_prefix(&root).unwrap();
        let key = String::from_utf8_lossy(common::bytes(rel)).into_owned();
        let info = map.get(&key).unwrap_or_else(|| panic!("{key:?} missing"));
        let md = fs::symlink_metadata(path).unwrap();
        assert_eq!(num(info, "asize"), md.size(), "{key}");
        assert_eq!(num(info, "dsize"), md.blocks() * 512, "{key}");
        assert_eq!(num(info, "uid"), u64::from(md.uid()), "{key}");
        assert_eq!(num(info, "gid"), u64::from(md.gid()), "{key}");
        assert_eq!(num(info, "mode"), u64::from(md.mode()), "{key}");
        assert_eq!(info["mtime"].as_i64(), Some(md.mtime()), "{key}");
        assert_eq!(info["is_dir"], Value::from(md.is_dir()), "{key}");
        let notreg = !md.is_dir() && !md.is_file();
        assert_eq!(info.get("notreg").is_some(), notreg, "{key}");
        let hard = !md.is_dir() && md.nlink() > 1;
        assert_eq!(info.get("hlnkc") == Some(&Value::Bool(true)), hard, "{key}");
        if hard {
            assert_eq!(num(info, "ino"), md.ino(), "{key}");
            assert_eq!(num(info, "nlink"), md.nlink(), "{key}");
        }
        assert!(info.get("read_error").is_none(), "{key}");
    }
    assert!(map[""].get("dev").is_some(), "the root says its device");
    assert!(map.contains_key("quo\"te\nnl"));
}

#[test]
fn export_to_a_file_and_one_root_only() {
    let (tmp, root) = fixture();
    let file = tmp.path().join("out.json");
    let out = statree(&["--export".as_ref(), file.as_os_str(), root.as_os_str()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stdout.is_empty());
    assert_eq!(entries(&fs::read(&file).unwrap()).len(), common::serial_walk(&root).len());
    let two = statree(&["-o".as_ref(), "-".as_ref(), root.as_os_str(), root.as_os_str()]);
    assert_eq!(two.status.code(), Some(2));
}

/// A directory `nobody` cannot read: `read_error` on it, nothing below it,
/// exit status 1, and the rest of the export as usual.
#[test]
fn unreadable_directory_is_a_read_error_as_nobody() {
    assert!(
        rustix::process::geteuid().is_root(),
        "this test runs statree as nobody via setpriv and must run as root"
    );
    let (tmp, root) = fixture();
    fs::create_dir(root.join("closed")).unwrap();
    fs::write(root.join("closed/secret"), b"s").unwrap();
    chmod(&root.join("closed"), 0o000);
    let bin = tmp.path().join("statree");
    fs::copy(statree_bin(), &bin).unwrap();
    chmod(&bin, 0o755);
    let nobody = uzers::get_user_by_name("nobody").expect("a `nobody` user");
    let mut cmd = Command::new("setpriv");
    cmd.arg(format!("--reuid={}", nobody.uid()))
        .arg(format!("--regid={}", nobody.primary_group_id()))
        .arg("--clear-groups")
        .arg(&bin)
        .args(["-o", "-"])
        .arg(&root)
        .stdin(Stdio::null());
    let out = common::with_timeout(60, "setpriv statree", move || cmd.output().unwrap());
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let map = entries(&out.stdout);
    assert_eq!(map["closed"]["read_error"], Value::Bool(true));
    assert_eq!(map["closed"]["is_dir"], Value::Bool(true));
    assert!(!map.contains_key("closed/secret"));
    assert!(map["d/e/big"].get("read_error").is_none());
}

/// Under `-x` a mount point is listed with `excluded: "otherfs"` and its own
/// device, and not entered.
#[test]
fn other_filesystem_is_excluded_under_x() {
    let (_tmp, root) = fixture();
    let mnt = root.join("mnt");
    fs::create_dir(&mnt).unwrap();
    let mount = match common::TmpfsMount::new(&mnt) {
        Ok(m) => m,
        Err(why) => {
            eprintln!("skipped: cannot mount a tmpfs for the -x case: {why}");
            return;
        }
    };
    fs::write(mnt.join("inside"), b"i").unwrap();
    let out = statree(&["-x".as_ref(), "-o".as_ref(), "-".as_ref(), root.as_os_str()]);
    drop(mount);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let map = entries(&out.stdout);
    assert_eq!(map["mnt"]["excluded"], Value::from("otherfs"));
    assert_ne!(map["mnt"].get("dev"), map[""].get("dev"));
    assert!(map["mnt"].get("dev").is_some());
    assert!(!map.contains_key("mnt/inside"));
}

/// ncdu reads the export (`ncdu -e -f EXPORT -o OUT` writes it again) with
/// the same entries, sizes, extended fields, hard links and names.
#[test]
fn ncdu_reads_the_export_back() {
    let ncdu = Command::new("ncdu").arg("-v").output();
    if !ncdu.is_ok_and(|o| o.status.success()) {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "ncdu is required under CI (.ci/run installs it)"
        );
        eprintln!("skipped: ncdu is not installed (apt-get install ncdu); CI runs this test");
        return;
    }
    let (tmp, root) = fixture();
    let export = tmp.path().join("statree.json");
    let again = tmp.path().join("ncdu.json");
    let out = statree(&["-o".as_ref(), export.as_os_str(), root.as_os_str()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let status = Command::new("ncdu")
        .arg("-e")
        .arg("-f")
        .arg(&export)
        .arg("-o")
        .arg(&again)
        .stdin(Stdio::null())
        .output()
        .expect("run ncdu");
    assert!(status.status.success(), "ncdu: {}", String::from_utf8_lossy(&status.stderr));
    let ours = entries(&fs::read(&export).unwrap());
    let raw = fs::read(&again).unwrap();
    assert!(raw.windows(BAD.len()).any(|w| w == BAD), "ncdu kept the non-UTF-8 name's bytes");
    let theirs = entries(&raw);
    assert_eq!(ours.keys().collect::<Vec<_>>(), theirs.keys().collect::<Vec<_>>());
    for (path, info) in &ours {
        let back = &theirs[path];
        for key in ["asize", "dsize", "ino", "nlink", "uid", "gid", "mode", "mtime"] {
            assert_eq!(num(info, key), num(back, key), "{path:?} {key}");
        }
        for key in ["hlnkc", "notreg", "read_error", "excluded", "is_dir"] {
            assert_eq!(info.get(key), back.get(key), "{path:?} {key}");
        }
    }
}

/// 5,000 levels (a path far past PATH_MAX): written without recursion, one
/// nested array a level.
#[test]
fn five_thousand_levels() {
    let deep = common::deep_tree(5_000, 1);
    let out = statree(&["-o".as_ref(), "-".as_ref(), deep.root.as_os_str()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let opens = out.stdout.iter().filter(|&&b| b == b'[').count();
    let closes = out.stdout.iter().filter(|&&b| b == b']').count();
    // The document's array and one a directory: the root and 5,000 below it.
    assert_eq!(opens, 1 + deep.dirs.len());
    assert_eq!(opens, closes);
    let mut depth = 0usize;
    let mut deepest = 0;
    for &b in &out.stdout {
        match b {
            b'[' => depth += 1,
            b']' => depth -= 1,
            _ => {}
        }
        deepest = deepest.max(depth);
    }
    assert_eq!(deepest, 1 + deep.dirs.len());
    assert_eq!(depth, 0);
}
