//! `--audit` against independent references, entry for entry: each finding
//! matches the equivalent `find` expression on a fixture tree (as root: setuid
//! root files, orphan owners, a hard-linked setuid file), capabilities and
//! ACLs match python3's `os.listxattr`, symlinks outside the root match
//! `os.path.realpath`, and `unreadable` matches what `find` run as `nobody`
//! cannot read. The report, `--list` and `--summary` agree with `--json`.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Output};
use std::time::Duration;

use assert_cmd::Command;
use common::{bytes, chmod, path_from, public_tempdir, statree_bin};
use rustix::fs::{CWD, FileType, Mode, XattrFlags};
use serde_json::Value;
use statree::audit::{Finding, caps};
use tempfile::TempDir;

fn statree() -> Command {
    let mut cmd = Command::new(statree_bin());
    cmd.timeout(Duration::from_secs(60));
    cmd
}

fn require_root() {
    assert!(
        rustix::process::geteuid().is_root(),
        "the audit tests must run as root: they make setuid-root files and give files away"
    );
}

/// A `posix_acl_xattr` value: header version 2, then (tag, perm, id) entries
/// — owner rw-, user 1000 r--, group r--, mask r--, other r--.
fn acl_value() -> Vec<u8> {
    const UNDEFINED: u32 = u32::MAX;
    let entries: [(u16, u16, u32); 5] = [
        (0x01, 6, UNDEFINED),
        (0x02, 4, 1000),
        (0x04, 4, UNDEFINED),
        (0x10, 4, UNDEFINED),
        (0x20, 4, UNDEFINED),
    ];
    let mut value = 2u32.to_le_bytes().to_vec();
    for (tag, perm, id) in entries {
        value.extend_from_slice(&tag.to_le_bytes());
        value.extend_from_slice(&perm.to_le_bytes());
        value.extend_from_slice(&id.to_le_bytes());
    }
    value
}

/// Sets an xattr; false (with a note) where the filesystem does not support it.
fn set_xattr(path: &Path, name: &str, value: &[u8]) -> bool {
    match rustix::fs::lsetxattr(path, name, value, XattrFlags::empty()) {
        Ok(()) => true,
        Err(e) => {
            eprintln!("note: cannot set {name} on {}: {e}", path.display());
            false
        }
    }
}

struct AuditTree {
    _tmp: TempDir,
    root: PathBuf,
    /// Whether the capability and ACL xattrs could be written.
    xattrs: bool,
}

fn file(path: &Path, mode: u32) {
    fs::write(path, b"#!/bin/sh\n").unwrap();
    chmod(path, mode);
}

fn dir(path: &Path, mode: u32) {
    fs::create_dir(path).unwrap();
    chmod(path, mode);
}

/// Every kind of finding, and near misses for each.
fn audit_tree() -> AuditTree {
    require_root();
    let tmp = public_tempdir();
    let root = tmp.path().join("root");
    dir(&root, 0o755);
    dir(&tmp.path().join("outside_target"), 0o755);
    let p = |name: &str| root.join(name);
    let own = |path: &Path, uid: u32, gid: u32| {
        std::os::unix::fs::lchown(path, Some(uid), Some(gid)).unwrap();
    };

    file(&p("setuid_root"), 0o4755);
    file(&p("setuid_user"), 0o4755);
    own(&p("setuid_user"), 1, 1);
    // chown clears the setuid bit: set it again.
    chmod(&p("setuid_user"), 0o4755);
    file(&p("setuid_noexec"), 0o4644);
    file(&root.join(OsStr::from_bytes(b"bad\xffsetuid")), 0o4711);
    file(&p("setgid"), 0o2755);
    dir(&p("setgid_dir"), 0o2775);
    file(&p("hard_setuid"), 0o4755);
    fs::hard_link(p("hard_setuid"), p("hard_setuid_link")).unwrap();
    file(&p("hard_plain"), 0o755);
    fs::hard_link(p("hard_plain"), p("hard_plain_link")).unwrap();

    file(&p("world_file"), 0o666);
    file(&p("new\nline world"), 0o646);
    dir(&p("world_dir"), 0o777);
    dir(&p("sticky_dir"), 0o1777);
    dir(&p("group_dir"), 0o775);
    rustix::fs::mknodat(CWD, p("world_fifo"), FileType::Fifo, Mode::from_raw_mode(0o666), 0)
        .unwrap();
    chmod(&p("world_fifo"), 0o666);
    file(&p("group_exec"), 0o775);
    file(&p("other_exec"), 0o757);
    file(&p("exec_one_bit"), 0o610 | 0o020);
    file(&p("owner_exec"), 0o744);
    file(&p("group_writable_data"), 0o664);

    file(&p("orphan"), 0o644);
    own(&p("orphan"), 54321, 54321);
    file(&p("orphan_gid"), 0o644);
    own(&p("orphan_gid"), 0, 54321);
    dir(&p("orphan_dir"), 0o755);
    own(&p("orphan_dir"), 54321, 0);
    symlink("orphan", p("orphan_link")).unwrap();
    own(&p("orphan_link"), 54321, 0);

    symlink("does/not/exist", p("dangling")).unwrap();
    symlink("../../nowhere", p("dangling_outside")).unwrap();
    symlink("setgid/x", p("not_a_dir")).unwrap();
    symlink("/etc", p("outside_abs")).unwrap();
    symlink("../outside_target", p("outside_rel")).unwrap();
    symlink("outside_rel", p("via_link")).unwrap();
    symlink("setgid", p("inside")).unwrap();
    symlink(".", p("self")).unwrap();
    dir(&p("sub"), 0o755);
    symlink("../setgid", p("sub/up")).unwrap();
    symlink("../../outside_target/x", p("sub/out_dangling")).unwrap();
    symlink(&root, p("sub/abs_root")).unwrap();

    file(&p("cap_file"), 0o755);
    let cap = caps::encode(true, (1 << 12) | (1 << 13), 0, None);
    let mut xattrs = set_xattr(&p("cap_file"), "security.capability", &cap);
    file(&p("cap_setuid"), 0o4755);
    let cap = caps::encode(false, 1 << 10, 1 << 10, None);
    xattrs &= set_xattr(&p("cap_setuid"), "security.capability", &cap);
    file(&p("acl_file"), 0o640);
    xattrs &= set_xattr(&p("acl_file"), "system.posix_acl_access", &acl_value());
    dir(&p("acl_dir"), 0o755);
    xattrs &= set_xattr(&p("acl_dir"), "system.posix_acl_default", &acl_value());
    file(&p("user_xattr"), 0o644);
    let _ = set_xattr(&p("user_xattr"), "user.note", b"not a finding");

    file(&p("plain"), 0o644);
    dir(&p("plain_dir"), 0o755);
    AuditTree { _tmp: tmp, root, xattrs }
}

/// `find ROOT EXPR... -print0`, as a set of raw paths.
fn find(root: &Path, expr: &[&str]) -> BTreeSet<Vec<u8>> {
    let out = StdCommand::new("find").arg(root).args(expr).arg("-print0").output().expect("find");
    assert!(out.status.success(), "find {expr:?}: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout.split(|b| *b == 0).filter(|p| !p.is_empty()).map(<[u8]>::to_vec).collect()
}

fn decode_path(value: &Value) -> Vec<u8> {
    match value {
        Value::String(text) => text.as_bytes().to_vec(),
        Value::Array(items) => items.iter().map(|v| v.as_u64().unwrap() as u8).collect(),
        other => panic!("bad path {other}"),
    }
}

/// `statree --json --audit[=ids] ROOT`: path → (record, findings).
fn audit_json(root: &Path, ids: &str) -> BTreeMap<Vec<u8>, (Value, Vec<String>)> {
    let flag = if ids.is_empty() { "--audit".to_owned() } else { format!("--audit={ids}") };
    let out = statree().arg("--json").arg(flag).arg(root).assert().success().get_output().clone();
    assert!(out.stderr.is_empty(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let mut map = BTreeMap::new();
    for line in String::from_utf8(out.stdout).unwrap().lines() {
        let rec: Value = serde_json::from_str(line).unwrap();
        let findings: Vec<String> = rec["findings"]
            .as_array()
            .unwrap_or_else(|| panic!("no findings array: {line}"))
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect();
        assert!(!findings.is_empty(), "an entry without findings was listed: {line}");
        assert!(map.insert(decode_path(&rec["path"]), (rec, findings)).is_none(), "{line}");
    }
    map
}

fn with_finding(records: &BTreeMap<Vec<u8>, (Value, Vec<String>)>, id: &str) -> BTreeSet<Vec<u8>> {
    records.iter().filter(|(_, (_, f))| f.iter().any(|x| x == id)).map(|(p, _)| p.clone()).collect()
}

fn show(set: &BTreeSet<Vec<u8>>) -> Vec<String> {
    set.iter().map(|p| String::from_utf8_lossy(p).into_owned()).collect()
}

/// The `find` expression equivalent to each finding that has one.
const FIND_EQUIVALENTS: [(&str, &[&str]); 9] = [
    ("setuid", &["-type", "f", "-perm", "-4000"]),
    ("setgid", &["-type", "f", "-perm", "-2000"]),
    ("setuid-root", &["-type", "f", "-perm", "-4000", "-user", "0"]),
    ("world-writable", &["!", "-type", "l", "-perm", "-0002"]),
    ("world-writable-dir-no-sticky", &["-type", "d", "-perm", "-0002", "!", "-perm", "-1000"]),
    ("writable-by-group-or-other-executable", &["-type", "f", "-perm", "/111", "-perm", "/022"]),
    ("orphan-owner", &["(", "-nouser", "-o", "-nogroup", ")"]),
    ("dangling-symlink", &["-xtype", "l"]),
    ("hardlinked-setuid", &["-type", "f", "-perm", "-4000", "-links", "+1"]),
];

#[test]
fn each_finding_matches_its_find_expression_entry_for_entry() {
    let t = audit_tree();
    let records = audit_json(&t.root, "");
    for (id, expr) in FIND_EQUIVALENTS {
        let want = find(&t.root, expr);
        assert!(!want.is_empty(), "the fixture has no {id} case");
        let got = with_finding(&records, id);
        assert_eq!(show(&got), show(&want), "{id} vs find {}", expr.join(" "));
    }
    // Near misses really are in the tree and really are not findings.
    for name in ["setgid_dir", "hard_plain", "owner_exec", "group_writable_data", "plain", "self"] {
        assert!(t.root.join(name).symlink_metadata().is_ok(), "{name}");
        assert!(!records.contains_key(bytes(&t.root.join(name))), "{name} has findings");
    }
}

#[test]
fn picking_findings_limits_the_output_to_them() {
    let t = audit_tree();
    let all = audit_json(&t.root, "");
    for (ids, expr) in [
        ("setuid-root", FIND_EQUIVALENTS[2].1),
        ("world-writable-dir-no-sticky", FIND_EQUIVALENTS[4].1),
        ("hardlinked-setuid", FIND_EQUIVALENTS[8].1),
    ] {
        let picked = audit_json(&t.root, ids);
        let paths: BTreeSet<Vec<u8>> = picked.keys().cloned().collect();
        assert_eq!(show(&paths), show(&find(&t.root, expr)), "--audit={ids}");
        assert!(picked.values().all(|(_, f)| f == &[ids]), "only {ids} is reported");
    }
    // Two at once: the union, each record naming only the picked ones.
    let picked = audit_json(&t.root, "setgid,dangling-symlink");
    let mut want = with_finding(&all, "setgid");
    want.extend(with_finding(&all, "dangling-symlink"));
    assert_eq!(show(&picked.keys().cloned().collect()), show(&want));
    for (_, findings) in picked.values() {
        assert!(findings.iter().all(|f| f == "setgid" || f == "dangling-symlink"), "{findings:?}");
    }
}

/// python3 reference for what `find` cannot express: xattrs (`os.listxattr`
/// without following links) and where symlinks resolve (`os.path.realpath`).
const XATTR_AND_LINK_REFERENCE: &str = r#"
import json, os, sys
root = bytes.fromhex(sys.argv[1])
real_root = os.path.realpath(root)
def visit(p):
    names = os.listxattr(p, follow_symlinks=False)
    rec = dict(path=p.hex(), caps='security.capability' in names,
               acl=any(n in names for n in ('system.posix_acl_access', 'system.posix_acl_default')))
    if os.path.islink(p):
        rp = os.path.realpath(p)
        rec['outside'] = not (rp == real_root or rp.startswith(real_root + b'/'))
    print(json.dumps(rec))
visit(root)
for d, dirs, files in os.walk(root):
    for n in dirs + files:
        visit(os.path.join(d, n))
"#;

fn python_reference(root: &Path) -> Vec<Value> {
    let hex: String = bytes(root).iter().map(|b| format!("{b:02x}")).collect();
    let out = StdCommand::new("python3")
        .args(["-c", XATTR_AND_LINK_REFERENCE, &hex])
        .output()
        .expect("python3 is required as the xattr reference (CI installs it)");
    assert!(out.status.success(), "python3: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap()).collect()
}

fn reference_set(reference: &[Value], key: &str) -> BTreeSet<Vec<u8>> {
    reference
        .iter()
        .filter(|r| r[key] == true)
        .map(|r| unhex(r["path"].as_str().unwrap()))
        .collect()
}

#[test]
fn capabilities_acls_and_outside_links_match_python() {
    let t = audit_tree();
    let records = audit_json(&t.root, "");
    let reference = python_reference(&t.root);
    for (id, key) in [("capabilities", "caps"), ("acl", "acl"), ("symlink-outside-root", "outside")]
    {
        let want = reference_set(&reference, key);
        assert_eq!(show(&with_finding(&records, id)), show(&want), "{id}");
        if id != "symlink-outside-root" && !t.xattrs {
            continue;
        }
        assert!(!want.is_empty(), "the fixture has no {id} case");
    }
    let outside: Vec<String> = show(&with_finding(&records, "symlink-outside-root"));
    for name in ["outside_abs", "outside_rel", "via_link", "dangling_outside", "sub/out_dangling"] {
        let path = t.root.join(name).display().to_string();
        assert!(outside.contains(&path), "{name} is outside: {outside:?}");
    }
    if !t.xattrs {
        return;
    }
    // The decoded capabilities, and getcap's view of them where it is installed.
    let cap_text = |name: &str| {
        records[bytes(&t.root.join(name))].0["capabilities"].as_str().unwrap().to_owned()
    };
    assert_eq!(cap_text("cap_file"), "cap_net_admin,cap_net_raw+ep");
    assert_eq!(cap_text("cap_setuid"), "cap_net_bind_service+ip");
    if let Ok(out) = StdCommand::new("getcap").arg(t.root.join("cap_file")).output()
        && out.status.success()
    {
        let text = String::from_utf8_lossy(&out.stdout);
        // getcap prints `cap_a,cap_b=ep` (newer) or `= cap_a,cap_b+ep` (older).
        let caps = text.split_whitespace().last().unwrap_or_default().replace('=', "+");
        assert_eq!(caps, "cap_net_admin,cap_net_raw+ep", "getcap: {text}");
    }
    // Reported alongside setuid.
    let (_, findings) = &records[bytes(&t.root.join("cap_setuid"))];
    assert_eq!(findings, &["setuid-root", "setuid", "capabilities"]);
}

#[test]
fn report_list_and_summary_agree_with_json() {
    let t = audit_tree();
    let records = audit_json(&t.root, "");
    let report = statree().arg("--audit").arg(&t.root).assert().success().get_output().clone();
    let report = String::from_utf8(report.stdout).unwrap();
    let summary = statree()
        .args(["--audit", "--summary"])
        .arg(&t.root)
        .assert()
        .success()
        .get_output()
        .clone();
    let summary = String::from_utf8(summary.stdout).unwrap();
    let list =
        statree().args(["--audit", "--list"]).arg(&t.root).assert().success().get_output().clone();
    let list = String::from_utf8(list.stdout).unwrap();

    let first = report.lines().next().unwrap();
    assert!(first.contains(&format!("{} entries with findings", records.len())), "{first}");
    assert_eq!(list.lines().count(), records.len(), "one --list line per entry: {list}");
    for finding in Finding::ALL {
        let id = finding.id();
        let paths = with_finding(&records, id);
        // The summary counts every selected finding, zeros included.
        let count = summary
            .lines()
            .find(|l| l.split_whitespace().nth(1) == Some(id))
            .unwrap_or_else(|| panic!("{id} missing from the summary: {summary}"));
        assert_eq!(count.split_whitespace().nth(2), Some(paths.len().to_string().as_str()), "{id}");
        if paths.is_empty() {
            assert!(!report.contains(&format!(" {id} (")), "empty group {id} shown");
            continue;
        }
        // The report block: a header with severity, count and explanation,
        // then one line per entry naming its (sanitized) path.
        let header = format!(
            "{:<6}  {id} ({}): {}",
            finding.severity().word(),
            paths.len(),
            finding.explanation()
        );
        let block: Vec<&str> = report
            .split("\n\n")
            .find(|b| b.starts_with(&header))
            .unwrap_or_else(|| panic!("no block {header:?} in {report}"))
            .lines()
            .skip(1)
            .collect();
        assert_eq!(block.len(), paths.len(), "{id}: {block:?}");
        for path in &paths {
            let shown = statree::sanitize::bytes(path).into_owned();
            assert!(block.iter().any(|l| l.contains(&shown)), "{id}: {shown} not in {block:?}");
            assert!(
                list.lines().any(|l| l.ends_with(&shown) && l.contains(id)),
                "{id}: {shown} not in --list"
            );
        }
    }
    // Names reach the terminal sanitized, one line each.
    assert!(report.contains("new\\nline world"), "{report}");
    assert!(report.contains("bad\\xffsetuid"), "{report}");
    assert!(report.contains("cap_net_admin,cap_net_raw+ep") || !t.xattrs, "{report}");
    assert!(report.contains(" -> does/not/exist"), "{report}");
}

/// Runs a command as `nobody` (setpriv, util-linux).
fn as_nobody(program: &Path, args: &[&OsStr]) -> Output {
    let nobody = uzers::get_user_by_name("nobody").expect("a `nobody` user");
    let mut cmd = StdCommand::new("setpriv");
    cmd.arg(format!("--reuid={}", nobody.uid()))
        .arg(format!("--regid={}", nobody.primary_group_id()))
        .arg("--clear-groups")
        .arg(program)
        .args(args)
        .env("LC_ALL", "C")
        .stdin(std::process::Stdio::null());
    common::with_timeout(60, "as nobody", move || {
        loop {
            match cmd.output() {
                // Another test thread may hold a fresh copy of a binary open for writing.
                Err(e) if e.kind() == std::io::ErrorKind::ExecutableFileBusy => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                result => return result.expect("setpriv"),
            }
        }
    })
}

#[test]
fn unreadable_matches_what_find_cannot_read_as_nobody() {
    require_root();
    let tmp = public_tempdir();
    let root = tmp.path().join("root");
    dir(&root, 0o755);
    for name in ["closed", "no_search", "open"] {
        dir(&root.join(name), 0o755);
        file(&root.join(name).join("inside"), 0o644);
    }
    chmod(&root.join("closed"), 0o000);
    chmod(&root.join("no_search"), 0o644);
    let bin = tmp.path().join("statree");
    fs::copy(statree_bin(), &bin).unwrap();
    chmod(&bin, 0o755);

    let out = as_nobody(&bin, &[OsStr::new("--json"), OsStr::new("--audit"), root.as_os_str()]);
    assert_eq!(out.status.code(), Some(1), "errors still set the exit status");
    let mut unreadable = BTreeSet::new();
    for line in String::from_utf8(out.stdout).unwrap().lines() {
        let rec: Value = serde_json::from_str(line).unwrap();
        if rec["findings"].as_array().unwrap().iter().any(|f| f == "unreadable") {
            assert!(rec["error"].is_string(), "{line}");
            unreadable.insert(path_from(&decode_path(&rec["path"])));
        }
    }
    // find names each path it could not read on stderr: `find: 'PATH': Permission denied`
    // (`-links +0` makes it lstat every entry, as statree does).
    let find_args = [root.as_os_str(), OsStr::new("-links"), OsStr::new("+0")];
    let find_out = as_nobody(Path::new("find"), &find_args);
    let stderr = String::from_utf8(find_out.stderr).unwrap();
    let mut denied = BTreeSet::new();
    for line in stderr.lines() {
        let quoted = line.strip_prefix("find: '").and_then(|l| l.split("': ").next());
        denied.insert(PathBuf::from(quoted.unwrap_or_else(|| panic!("find said {line}"))));
    }
    assert_eq!(unreadable, denied, "find said: {stderr}");
    // The closed directory itself, and the entry that cannot be stat-ed in
    // the one that can be listed but not searched.
    assert!(unreadable.contains(&root.join("closed")));
    assert!(unreadable.contains(&root.join("no_search").join("inside")));

    // The report as nobody: the group, with each path and its reason.
    let out = as_nobody(&bin, &[OsStr::new("--audit=unreadable"), root.as_os_str()]);
    let report = String::from_utf8(out.stdout).unwrap();
    assert!(report.contains(&format!("info    unreadable ({}): ", denied.len())), "{report}");
    assert!(report.contains(&format!("{}: reading directory: ", root.join("closed").display())));
}

#[test]
fn a_plain_scan_gathers_no_audit_facts_and_an_audit_scan_does() {
    use statree::scan::{AuditScan, ScanOptions};
    let t = audit_tree();
    let plain = common::scan_lib(common::options(&[&t.root], 2));
    assert!(plain.entries.iter().all(|(_, e)| e.detail.is_none()), "a plain scan stays lean");
    let audited =
        common::scan_lib(ScanOptions { audit: AuditScan::all(), ..common::options(&[&t.root], 2) });
    let by_path = audited.by_path();
    let audit_of = |name: &str| &by_path[&t.root.join(name)].detail.as_ref().unwrap().audit;
    assert_eq!(audit_of("dangling").dangling, Some(true));
    assert_eq!(audit_of("inside").dangling, Some(false));
    assert_eq!(audit_of("inside").outside_root, Some(false));
    assert_eq!(audit_of("outside_abs").outside_root, Some(true));
    if t.xattrs {
        assert!(audit_of("cap_file").capability.is_some());
        assert!(audit_of("acl_dir").acl);
    }
    // Entries with nothing to say carry no detail at all.
    assert!(by_path[&t.root.join("plain")].detail.is_none());
}

#[test]
fn capabilities_are_read_past_path_max() {
    require_root();
    // A directory just under PATH_MAX (so it can be listed by path) holding a
    // file whose full path is past it: its xattrs cannot be read by path.
    let tmp = public_tempdir();
    let root = tmp.path().join("deep");
    let mut dir = root.clone();
    while bytes(&dir).len() < common::PATH_MAX - 400 {
        dir.push("d".repeat(200));
    }
    let fill = common::PATH_MAX - 100 - bytes(&dir).len();
    dir.push("e".repeat(fill));
    fs::create_dir_all(&dir).unwrap();
    let name = "c".repeat(255);
    let full = dir.join(&name);
    assert!(bytes(&full).len() > common::PATH_MAX, "the file's path is past PATH_MAX");
    let flags = rustix::fs::OFlags::RDONLY | rustix::fs::OFlags::DIRECTORY;
    let dir_fd = rustix::fs::open(&dir, flags, Mode::empty()).unwrap();
    let create = rustix::fs::OFlags::WRONLY | rustix::fs::OFlags::CREATE;
    let file =
        rustix::fs::openat(&dir_fd, name.as_str(), create, Mode::from_raw_mode(0o755)).unwrap();
    let cap = caps::encode(true, 1 << 13, 0, None);
    if let Err(e) = rustix::fs::fsetxattr(&file, "security.capability", &cap, XattrFlags::empty()) {
        eprintln!("note: no capability xattrs here ({e}); skipping");
        return;
    }
    let records = audit_json(&root, "capabilities");
    assert_eq!(records.keys().cloned().collect::<Vec<_>>(), [bytes(&full).to_vec()]);
    assert_eq!(records[bytes(&full)].0["capabilities"], "cap_net_raw+ep");
}
