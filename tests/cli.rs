//! The binary: `--json` against an independent `lstat` reference (python3),
//! `--list` sanitizing, `--summary` totals. Exit codes are in `cli_usage.rs`.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;
use std::time::Duration;

use assert_cmd::Command;
use common::{bytes, fixture, path_from, serial_walk, statree_bin};
use serde_json::Value;

/// Every run gets a generous hang guard.
fn statree() -> Command {
    let mut cmd = Command::new(statree_bin());
    cmd.timeout(Duration::from_secs(60));
    cmd
}

/// python3 `os.lstat` of each path (hex-encoded arguments), one JSON object a
/// line, in the shape of statree's records; target is hex, times are formatted
/// here from the nanosecond fields.
const REFERENCE: &str = r#"
import datetime, grp, json, os, pwd, stat, sys
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
def ts(ns):
    sec, nsec = divmod(ns, 10**9)
    t = EPOCH + datetime.timedelta(seconds=sec)
    return t.strftime('%Y-%m-%dT%H:%M:%S') + '.%09dZ' % nsec
def name(fn, i):
    try:
        return fn(i)[0]
    except KeyError:
        return None
KINDS = [(stat.S_ISREG, 'file'), (stat.S_ISDIR, 'dir'), (stat.S_ISLNK, 'symlink'),
         (stat.S_ISFIFO, 'fifo'), (stat.S_ISSOCK, 'socket'), (stat.S_ISBLK, 'block'),
         (stat.S_ISCHR, 'char')]
for arg in sys.argv[1:]:
    p = bytes.fromhex(arg)
    st = os.lstat(p)
    kind = next(k for f, k in KINDS if f(st.st_mode))
    rec = dict(path=arg, type=kind, mode='%04o' % stat.S_IMODE(st.st_mode),
               perms=stat.filemode(st.st_mode)[1:], ino=st.st_ino, dev=st.st_dev,
               nlink=st.st_nlink, uid=st.st_uid, gid=st.st_gid,
               user=name(pwd.getpwuid, st.st_uid), group=name(grp.getgrgid, st.st_gid),
               size=st.st_size, blocks=st.st_blocks, atime=ts(st.st_atime_ns),
               mtime=ts(st.st_mtime_ns), ctime=ts(st.st_ctime_ns))
    if kind == 'symlink':
        rec['target'] = os.readlink(p).hex()
    if kind in ('char', 'block'):
        rec['rdev'] = st.st_rdev
    print(json.dumps(rec))
"#;

fn hex(raw: &[u8]) -> String {
    raw.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap()).collect()
}

/// The reference record of every path, by raw path bytes.
fn reference(paths: &[&Path]) -> HashMap<Vec<u8>, Value> {
    let out = StdCommand::new("python3")
        .arg("-c")
        .arg(REFERENCE)
        .args(paths.iter().map(|p| hex(bytes(p))))
        .output()
        .expect("python3 is required as the lstat reference (CI installs it)");
    assert!(out.status.success(), "python3: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    text.lines()
        .map(|line| {
            let rec: Value = serde_json::from_str(line).unwrap();
            (unhex(rec["path"].as_str().unwrap()), rec)
        })
        .collect()
}

/// Decodes a JSON path independently of the crate: a string, or an array of bytes.
fn decode_path(value: &Value) -> Vec<u8> {
    match value {
        Value::String(text) => text.as_bytes().to_vec(),
        Value::Array(items) => items
            .iter()
            .map(|v| u8::try_from(v.as_u64().expect("byte")).expect("byte value"))
            .collect(),
        other => panic!("path is neither string nor byte array: {other}"),
    }
}

/// Runs `statree --json` and returns (raw line, record, decoded path) per line.
fn json_records(args: &[&Path]) -> Vec<(String, Value, Vec<u8>)> {
    let out = statree().arg("--json").args(args).assert().success().get_output().clone();
    assert!(out.stderr.is_empty(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).expect("JSON Lines are UTF-8");
    text.lines()
        .map(|line| {
            let rec: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
            let path = decode_path(&rec["path"]);
            (line.to_owned(), rec, path)
        })
        .collect()
}

const FIELD_ORDER: [&str; 20] = [
    "path", "type", "mode", "perms", "ino", "dev", "nlink", "uid", "gid", "user", "group", "size",
    "blocks", "atime", "mtime", "ctime", "btime", "target", "rdev", "error",
];

/// Compares one record with the reference, field by field, and checks which
/// optional fields are present and that fields come in the documented order.
fn assert_record_matches(line: &str, rec: &Value, want: &Value) {
    let path = &want["path"];
    for key in [
        "type", "mode", "perms", "ino", "dev", "nlink", "uid", "gid", "user", "group", "size",
        "blocks", "atime", "mtime", "ctime", "rdev",
    ] {
        assert_eq!(rec.get(key), want.get(key), "field {key} of {path}: {line}");
    }
    match (rec.get("target"), want.get("target")) {
        (Some(got), Some(target)) => {
            assert_eq!(decode_path(got), unhex(target.as_str().unwrap()), "target of {path}");
        }
        (None, None) => {}
        (got, want) => panic!("target of {path}: got {got:?}, want {want:?}"),
    }
    assert!(rec.get("error").is_none(), "unexpected error field: {line}");
    match &rec["btime"] {
        Value::Null => {}
        Value::String(t) => assert!(t.len() == 30 && t.ends_with('Z'), "btime {t}"),
        other => panic!("btime {other}"),
    }
    let obj = rec.as_object().unwrap();
    let mut last = 0;
    for key in FIELD_ORDER.iter().filter(|k| obj.contains_key(**k)) {
        let at = if *key == "path" { 1 } else { line.find(&format!(",\"{key}\":")).unwrap() };
        assert!(at >= last, "field {key} out of order: {line}");
        last = at;
    }
    assert!(obj.keys().all(|k| FIELD_ORDER.contains(&k.as_str())), "unknown field: {line}");
}

#[test]
fn json_matches_lstat_reference_for_every_entry() {
    let fx = fixture();
    let serial = serial_walk(&fx.root);
    let records = json_records(&[&fx.root]);
    assert_eq!(records[0].2, bytes(&fx.root), "the root comes first");
    let got: BTreeSet<&[u8]> = records.iter().map(|(_, _, p)| p.as_slice()).collect();
    let want: BTreeSet<&[u8]> = serial.keys().map(|p| bytes(p)).collect();
    assert_eq!(got, want, "paths in --json");
    assert_eq!(records.len(), serial.len(), "one record per entry");
    let paths: Vec<&Path> = serial.keys().map(PathBuf::as_path).collect();
    let reference = reference(&paths);
    for (line, rec, path) in &records {
        assert_record_matches(line, rec, &reference[path]);
    }
    let kinds: BTreeSet<&str> =
        records.iter().map(|(_, r, _)| r["type"].as_str().unwrap()).collect();
    for kind in ["file", "dir", "symlink", "fifo", "socket"] {
        assert!(kinds.contains(kind), "fixture lacks a {kind}");
    }
    if fx.chardev.is_some() {
        assert!(kinds.contains("char"), "the mknod char device is listed as char");
    }
    if rustix::process::geteuid().is_root() {
        let (_, orphan, _) = records.iter().find(|(_, _, p)| p == bytes(&fx.orphan)).unwrap();
        assert_eq!((&orphan["uid"], &orphan["user"]), (&Value::from(54321), &Value::Null));
        assert_eq!((&orphan["gid"], &orphan["group"]), (&Value::from(54321), &Value::Null));
    }
}

#[test]
fn json_reports_device_numbers_for_char_devices() {
    let dev_null = Path::new("/dev/null");
    let records = json_records(&[dev_null]);
    assert_eq!(records.len(), 1);
    let (line, rec, _) = &records[0];
    assert_eq!(rec["type"], "char");
    assert_record_matches(line, rec, &reference(&[dev_null])[bytes(dev_null)]);
    assert_eq!(rec["rdev"], 259, "/dev/null is (1, 3)");
}

#[test]
fn json_encodes_non_utf8_path_as_byte_array() {
    let fx = fixture();
    let records = json_records(&[&fx.root]);
    let (line, rec, path) = records
        .iter()
        .find(|(_, _, p)| p.as_slice() == bytes(&fx.bad_utf8))
        .expect("the invalid UTF-8 name is listed");
    assert!(rec["path"].is_array(), "non-UTF-8 path must be a byte array: {line}");
    assert_eq!(path_from(path), fx.bad_utf8);
    for (_, rec, path) in &records {
        if std::str::from_utf8(path).is_ok() {
            assert!(rec["path"].is_string(), "a UTF-8 path is a string: {path:?}");
        }
    }
}

#[test]
fn json_puts_each_root_first_and_parents_before_children() {
    let fx = fixture();
    // Two roots are walked concurrently, so their records may interleave; each
    // root still precedes its subtree, and every parent its children.
    let records = json_records(&[&fx.nested, &fx.hidden_dir]);
    let first = path_from(&records[0].2);
    assert!(first == fx.nested || first == fx.hidden_dir, "first line is a root: {first:?}");
    let mut seen: BTreeSet<PathBuf> = BTreeSet::new();
    for (_, _, raw) in &records {
        let path = path_from(raw);
        if path != fx.nested && path != fx.hidden_dir {
            let parent = path.parent().unwrap();
            assert!(seen.contains(parent), "{path:?} came before its parent");
        }
        seen.insert(path);
    }
    assert!(seen.contains(&fx.hidden_dir) && seen.contains(&fx.hidden_dir.join("secret.txt")));
}

/// The listing's escaping, reimplemented for the names in the fixture.
fn shown(raw: &[u8]) -> String {
    let mut out = String::new();
    for chunk in raw.utf8_chunks() {
        for ch in chunk.valid().chars() {
            match ch {
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                '\r' => out.push_str("\\r"),
                c if (c as u32) < 0x20 || c == '\x7f' => {
                    out.push_str(&format!("\\x{:02x}", c as u32))
                }
                c => out.push(c),
            }
        }
        for byte in chunk.invalid() {
            out.push_str(&format!("\\x{byte:02x}"));
        }
    }
    out
}

#[test]
fn list_prints_one_sanitized_line_per_entry() {
    let fx = fixture();
    let serial = serial_walk(&fx.root);
    let out = statree().arg("--list").arg(&fx.root).assert().success().get_output().clone();
    assert!(!out.stdout.contains(&0x1b), "a raw ESC byte reached stdout");
    let text = String::from_utf8(out.stdout).expect("the listing is UTF-8");
    let paths: Vec<&Path> = serial.keys().map(PathBuf::as_path).collect();
    let reference = reference(&paths);
    let mut lines: BTreeMap<String, &str> = BTreeMap::new();
    for line in text.lines() {
        assert!(line.len() > 25 && line.is_char_boundary(25), "short line {line:?}");
        assert_eq!((&line[11..13], &line[23..25]), ("  ", "  "), "layout of {line:?}");
        assert!(lines.insert(line[25..].to_owned(), line).is_none(), "duplicate {line:?}");
    }
    assert_eq!(lines.len(), serial.len(), "one line per entry");
    for (path, rec) in &serial {
        let raw = bytes(path);
        let line = lines.get(&shown(raw)).unwrap_or_else(|| panic!("{path:?} not listed"));
        let want = &reference[raw];
        assert_eq!(&line[2..11], want["perms"].as_str().unwrap(), "perms of {path:?}");
        let letter = match want["type"].as_str().unwrap() {
            "file" => '-',
            "dir" => 'd',
            "symlink" => 'l',
            "fifo" => 'p',
            "socket" => 's',
            "block" => 'b',
            "char" => 'c',
            other => panic!("type {other}"),
        };
        assert_eq!(line.chars().next(), Some(letter), "type letter of {path:?}");
        if rec.size < 1024 {
            assert_eq!(line[13..23].trim_start(), format!("{} B", rec.size), "size of {path:?}");
        }
    }
    let escape = format!("{}/\\x1b[31mred", fx.root.display());
    assert!(lines.contains_key(&escape), "escape name shown as {escape}");
    assert!(lines.contains_key(&format!("{}/new\\nline", fx.root.display())));
    assert!(lines.contains_key(&format!("{}/bad\\xffname", fx.root.display())));
}

/// The `name   value` lines of `--summary`.
fn summary(args: &[&Path]) -> (BTreeMap<String, u64>, i32) {
    let out = statree().arg("--summary").args(args).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let mut values = BTreeMap::new();
    for line in text.lines() {
        let (key, rest) = line.split_once("  ").unwrap_or_else(|| panic!("odd line {line:?}"));
        let number = rest.trim_start().split(' ').next().unwrap();
        if let Ok(n) = number.parse() {
            values.insert(key.trim().to_owned(), n);
        }
    }
    (values, out.status.code().unwrap())
}

#[test]
fn summary_totals_match_serial_walk() {
    let fx = fixture();
    let serial = serial_walk(&fx.root);
    let (values, code) = summary(&[&fx.root]);
    assert_eq!(code, 0);
    let count = |f: fn(&common::Rec) -> bool| serial.values().filter(|r| f(r)).count() as u64;
    let (apparent, allocated) = common::deduped_bytes(&serial);
    assert_eq!(values["entries"], serial.len() as u64);
    assert_eq!(values["directories"], count(common::Rec::is_dir));
    assert_eq!(values["files"], count(common::Rec::is_file));
    assert_eq!(values["symlinks"], count(common::Rec::is_symlink));
    assert_eq!(values["other"], count(|r| !r.is_dir() && !r.is_file() && !r.is_symlink()));
    assert_eq!(values["errors"], 0);
    assert_eq!(values["apparent bytes"], apparent);
    assert_eq!(values["allocated bytes"], allocated);
}
