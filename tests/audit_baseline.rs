//! `--baseline FILE`: new, changed and removed entries since an earlier
//! `--json` output, in every output mode; with and without `--audit`;
//! malformed baselines and bad `--audit` ids are usage errors (status 2).

mod common;

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;
use common::{chmod, public_tempdir, statree_bin};
use predicates::prelude::*;
use serde_json::Value;
use tempfile::TempDir;

fn statree() -> Command {
    let mut cmd = Command::new(statree_bin());
    cmd.timeout(Duration::from_secs(60));
    cmd
}

struct Tree {
    tmp: TempDir,
    root: PathBuf,
}

impl Tree {
    fn p(&self, name: &str) -> PathBuf {
        self.root.join(name)
    }

    fn baseline(&self, args: &[&str]) -> PathBuf {
        let out = statree().args(args).arg(&self.root).assert().success().get_output().clone();
        let file = self.tmp.path().join(format!("base{}.jsonl", args.len()));
        fs::write(&file, out.stdout).unwrap();
        file
    }
}

fn write(path: &Path, mode: u32) {
    fs::write(path, b"data").unwrap();
    chmod(path, mode);
}

/// `keep` (unchanged), `mode` (chmod later), `owner` (chown later),
/// `retype` (file, later a directory), `setuid` (setuid root, loses the bit
/// later), `gone` and `gone_dir/{a,b}` (removed later), a non-UTF-8 name.
fn tree() -> Tree {
    assert!(
        rustix::process::geteuid().is_root(),
        "the baseline tests must run as root: they give files away and expect root-owned setuid files"
    );
    let tmp = public_tempdir();
    let root = tmp.path().join("root");
    fs::create_dir(&root).unwrap();
    chmod(&root, 0o755);
    let t = Tree { tmp, root };
    for name in ["keep", "mode", "owner", "retype", "gone"] {
        write(&t.p(name), 0o644);
    }
    write(&t.p("setuid"), 0o4755);
    write(&t.root.join(OsStr::from_bytes(b"bad\xffname")), 0o644);
    fs::create_dir(t.p("gone_dir")).unwrap();
    write(&t.p("gone_dir/a"), 0o644);
    write(&t.p("gone_dir/b"), 0o4755);
    t
}

/// The changes made after the baseline.
fn change(t: &Tree) {
    write(&t.p("new_setuid"), 0o4755);
    write(&t.p("new_plain"), 0o644);
    chmod(&t.p("mode"), 0o755);
    std::os::unix::fs::chown(t.p("owner"), Some(54321), None).unwrap();
    fs::remove_file(t.p("retype")).unwrap();
    fs::create_dir(t.p("retype")).unwrap();
    chmod(&t.p("retype"), 0o755);
    chmod(&t.p("setuid"), 0o755);
    fs::remove_file(t.p("gone")).unwrap();
    fs::remove_dir_all(t.p("gone_dir")).unwrap();
}

fn decode_path(value: &Value) -> Vec<u8> {
    match value {
        Value::String(text) => text.as_bytes().to_vec(),
        Value::Array(items) => items.iter().map(|v| v.as_u64().unwrap() as u8).collect(),
        other => panic!("bad path {other}"),
    }
}

/// Runs with `--json` and the given flags: name under the root → record.
fn json(t: &Tree, args: &[&OsStr]) -> BTreeMap<String, Value> {
    let out =
        statree().arg("--json").args(args).arg(&t.root).assert().success().get_output().clone();
    let prefix = t.root.as_os_str().as_bytes().len() + 1;
    let mut map = BTreeMap::new();
    for line in String::from_utf8(out.stdout).unwrap().lines() {
        let rec: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        let path = decode_path(&rec["path"]);
        let name = String::from_utf8_lossy(path.get(prefix..).unwrap_or(b"")).into_owned();
        assert!(map.insert(name, rec).is_none(), "listed twice: {line}");
    }
    map
}

fn names(map: &BTreeMap<String, Value>, change: &str) -> Vec<String> {
    map.iter().filter(|(_, r)| r["change"] == change).map(|(n, _)| n.clone()).collect()
}

#[test]
fn json_marks_new_changed_and_removed_entries() {
    let t = tree();
    let base = t.baseline(&["--json"]);
    assert_eq!(json(&t, &[OsStr::new("--baseline"), base.as_os_str()]).len(), 0, "no change yet");
    change(&t);
    let diff = json(&t, &[OsStr::new("--baseline"), base.as_os_str()]);
    assert_eq!(names(&diff, "new"), ["new_plain", "new_setuid"]);
    let changed = ["mode", "owner", "retype", "setuid"];
    assert_eq!(names(&diff, "changed"), changed);
    assert_eq!(names(&diff, "removed"), ["gone", "gone_dir", "gone_dir/a", "gone_dir/b"]);
    assert_eq!(
        diff.len(),
        2 + changed.len() + 4,
        "the root (its mtime aside) and keep are unchanged"
    );

    assert_eq!(diff["mode"]["mode"], "0755");
    assert_eq!(
        diff["mode"]["was"],
        serde_json::json!({"type": "file", "mode": "0644", "uid": 0, "gid": 0})
    );
    assert_eq!(diff["retype"]["type"], "dir");
    assert_eq!(diff["retype"]["was"]["type"], "file");
    assert_eq!(diff["setuid"]["was"]["mode"], "4755");
    assert_eq!(diff["owner"]["uid"], 54321);
    assert_eq!(diff["owner"]["was"]["uid"], 0);
    // A removed record is the old line with the change added.
    let gone = &diff["gone_dir/b"];
    assert_eq!(gone["mode"], "4755");
    assert_eq!(gone["type"], "file");
    assert!(gone.get("was").is_none() && gone.get("findings").is_none());
    assert!(diff["new_setuid"].get("was").is_none());
}

#[test]
fn audit_with_a_baseline_shows_new_setuid_files_and_lost_findings() {
    let t = tree();
    let full = t.baseline(&["--json"]);
    let audited = t.baseline(&["--json", "--audit"]);
    change(&t);

    // Against a full baseline: findings now, or findings then (derived from
    // the old mode and owner).
    let diff = json(&t, &[OsStr::new("--audit"), OsStr::new("--baseline"), full.as_os_str()]);
    let listed: Vec<&String> = diff.keys().collect();
    // `owner` now belongs to a uid with no name.
    assert_eq!(listed, ["gone_dir/b", "new_setuid", "owner", "setuid"], "{diff:#?}");
    assert_eq!(diff["owner"]["findings"], serde_json::json!(["orphan-owner"]));
    assert_eq!(diff["new_setuid"]["change"], "new");
    assert_eq!(diff["new_setuid"]["findings"], serde_json::json!(["setuid-root", "setuid"]));
    assert_eq!(diff["setuid"]["change"], "changed");
    assert_eq!(diff["setuid"]["findings"], serde_json::json!([]));
    assert_eq!(diff["gone_dir/b"]["findings"], serde_json::json!(["setuid-root", "setuid"]));

    // Against an --audit baseline the old findings are compared as recorded.
    let diff = json(&t, &[OsStr::new("--audit"), OsStr::new("--baseline"), audited.as_os_str()]);
    assert_eq!(diff["setuid"]["was"]["findings"], serde_json::json!(["setuid-root", "setuid"]));
    assert_eq!(names(&diff, "removed"), ["gone_dir/b"]);
    // An --audit baseline lists only what had findings then: `owner`, which
    // had none, counts as new.
    assert_eq!(names(&diff, "new"), ["new_setuid", "owner"]);

    // The report: the new file under its findings, marked; the lost finding
    // listed with what it was.
    let out = statree()
        .args([OsStr::new("--audit"), OsStr::new("--baseline"), full.as_os_str()])
        .arg(&t.root)
        .assert()
        .code(0)
        .get_output()
        .clone();
    let report = String::from_utf8(out.stdout).unwrap();
    let root = t.root.display();
    assert!(report.contains("1 new, 2 changed, 1 removed"), "{report}");
    assert!(
        report.contains(&format!("  new     -rwsr-xr-x  root:root  {root}/new_setuid\n")),
        "{report}"
    );
    assert!(report.contains(&format!("{root}/setuid  (was -rwsr-xr-x root:root)")), "{report}");
    assert!(
        report.contains(&format!("  removed -rwsr-xr-x  root:root  {root}/gone_dir/b\n")),
        "{report}"
    );
}

#[test]
fn list_and_summary_with_a_baseline() {
    let t = tree();
    let base = t.baseline(&["--json"]);
    change(&t);
    let out = statree()
        .args([OsStr::new("--list"), OsStr::new("--baseline"), base.as_os_str()])
        .arg(&t.root)
        .assert()
        .success()
        .get_output()
        .clone();
    let list = String::from_utf8(out.stdout).unwrap();
    let root = t.root.display();
    assert!(
        list.contains(&format!("new     - rwsr-xr-x         4 B  {root}/new_setuid\n")),
        "{list}"
    );
    assert!(list.contains(&format!("changed - rwxr-xr-x         4 B  {root}/mode\n")), "{list}");
    assert!(
        list.contains(&format!("removed d rwxr-xr-x     4.0 KiB  {root}/gone_dir\n")),
        "{list}"
    );
    assert!(!list.contains("/keep"), "{list}");

    let out = statree()
        .args([OsStr::new("--summary"), OsStr::new("--baseline"), base.as_os_str()])
        .arg(&t.root)
        .assert()
        .success()
        .get_output()
        .clone();
    let summary = String::from_utf8(out.stdout).unwrap();
    assert!(summary.contains("new              2\n"), "{summary}");
    assert!(summary.contains("changed          4\n"), "{summary}");
    assert!(summary.contains("removed          4\n"), "{summary}");
    assert!(summary.contains("entries          "), "the usual totals follow: {summary}");
}

#[test]
fn removed_entries_are_limited_to_what_was_scanned() {
    let t = tree();
    let base = t.baseline(&["--json"]);
    // Scanning a subdirectory: the rest of the old tree is not "removed".
    fs::create_dir(t.p("sub")).unwrap();
    let out = statree()
        .args([OsStr::new("--json"), OsStr::new("--baseline"), base.as_os_str()])
        .arg(t.p("gone_dir"))
        .assert()
        .success()
        .get_output()
        .clone();
    assert!(String::from_utf8(out.stdout).unwrap().is_empty());
    // An unreadable directory's old children are not "removed" either: they
    // could not be seen.
    {
        let bin = t.tmp.path().join("statree");
        fs::copy(statree_bin(), &bin).unwrap();
        chmod(&bin, 0o755);
        chmod(&t.p("gone_dir"), 0o000);
        chmod(&base, 0o644);
        let nobody = uzers::get_user_by_name("nobody").expect("a `nobody` user");
        let mut cmd = std::process::Command::new("setpriv");
        cmd.arg(format!("--reuid={}", nobody.uid()))
            .arg(format!("--regid={}", nobody.primary_group_id()))
            .arg("--clear-groups")
            .arg(&bin)
            .args([OsStr::new("--json"), OsStr::new("--baseline"), base.as_os_str()])
            .arg(&t.root);
        let out = loop {
            match cmd.output() {
                // Another test thread may hold a fresh copy of a binary open for writing.
                Err(e) if e.kind() == std::io::ErrorKind::ExecutableFileBusy => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                result => break result.expect("setpriv"),
            }
        };
        assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(!text.contains("gone_dir/"), "{text}");
        assert!(text.contains("\"sub\",\"type\":\"dir\"") || text.contains("/sub\""), "{text}");
        chmod(&t.p("gone_dir"), 0o755);
    }
}

#[test]
fn non_utf8_paths_round_trip_through_the_baseline() {
    let t = tree();
    let base = t.baseline(&["--json"]);
    let bad = t.root.join(OsStr::from_bytes(b"bad\xffname"));
    fs::remove_file(&bad).unwrap();
    let diff = json(&t, &[OsStr::new("--baseline"), base.as_os_str()]);
    let removed: Vec<&Value> = diff.values().filter(|r| r["change"] == "removed").collect();
    assert_eq!(removed.len(), 1, "{diff:#?}");
    assert_eq!(decode_path(&removed[0]["path"]), bad.as_os_str().as_bytes());
    assert!(removed[0]["path"].is_array());
}

#[test]
fn malformed_baselines_are_usage_errors_naming_file_and_line() {
    let t = tree();
    let good = t.baseline(&["--json"]);
    let text = fs::read_to_string(&good).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines.insert(2, "{\"path\":\"/x\",\"type\":\"file\",\"mode\":\"rwx\",\"uid\":0,\"gid\":0}");
    let bad = t.tmp.path().join("bad.jsonl");
    fs::write(&bad, lines.join("\n")).unwrap();
    statree()
        .args([OsStr::new("--json"), OsStr::new("--baseline"), bad.as_os_str()])
        .arg(&t.root)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(format!("baseline {}: line 3: \"mode\"", bad.display())));

    fs::write(&bad, "not json\n").unwrap();
    statree()
        .args([OsStr::new("--audit"), OsStr::new("--baseline"), bad.as_os_str()])
        .arg(&t.root)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("line 1: not JSON"));

    // A diff output is not a baseline.
    let diff = t.tmp.path().join("diff.jsonl");
    write(&t.p("later"), 0o644);
    let out = statree()
        .args([OsStr::new("--json"), OsStr::new("--baseline"), good.as_os_str()])
        .arg(&t.root)
        .assert()
        .success()
        .get_output()
        .clone();
    fs::write(&diff, out.stdout).unwrap();
    statree()
        .args([OsStr::new("--json"), OsStr::new("--baseline"), diff.as_os_str()])
        .arg(&t.root)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("line 1: this is a --baseline output"));

    let missing = t.tmp.path().join("missing.jsonl");
    statree()
        .args([OsStr::new("--list"), OsStr::new("--baseline"), missing.as_os_str()])
        .arg(&t.root)
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("missing.jsonl").and(predicate::str::contains("No such file")),
        );
}

#[test]
fn usage_errors_and_exit_status() {
    let t = tree();
    statree().arg("--audit=setuid,suid").arg(&t.root).assert().code(2).stdout("").stderr(
        predicate::str::contains("suid")
            .and(predicate::str::contains("world-writable-dir-no-sticky")),
    );
    statree()
        .args(["--baseline", "whatever.jsonl"])
        .arg(&t.root)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("statree: baseline whatever.jsonl: "));
    statree().args(["--audit", "--man"]).assert().code(2);
    // Findings are not errors: a tree full of them still exits 0.
    statree()
        .arg("--audit")
        .arg(&t.root)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("setuid-root (2)"));
    // --audit=ids is in --help.
    statree().arg("--help").assert().code(0).stdout(predicate::str::contains("--audit[=<IDS>]"));
}

/// `--baseline -`: the baseline comes on standard input, read as it streams
/// (removed entries read back from a private copy), with the same answers as
/// the file; a line without end is refused as a file's is; and standard
/// input cannot feed both `-f -` and `--baseline -`.
#[test]
fn a_baseline_on_standard_input_gives_what_the_file_gives() {
    let t = tree();
    let base = t.baseline(&["--json"]);
    change(&t);
    let from_file = statree()
        .args([OsStr::new("--list"), OsStr::new("--baseline"), base.as_os_str()])
        .arg(&t.root)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let from_stdin = statree()
        .args(["--list", "--baseline", "-"])
        .arg(&t.root)
        .write_stdin(fs::read(&base).unwrap())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    // (Only worth something if there is a difference to report.)
    assert!(String::from_utf8_lossy(&from_file).contains("removed"));
    assert_eq!(String::from_utf8(from_stdin).unwrap(), String::from_utf8(from_file).unwrap());

    let endless = vec![b'{'; 3 << 20];
    statree()
        .args(["--list", "--baseline", "-"])
        .arg(&t.root)
        .write_stdin(endless)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("baseline -: line 1: line longer than 1 MiB"));

    statree()
        .args(["--summary", "--baseline", "-", "-f", "-"])
        .write_stdin(fs::read(&base).unwrap())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("not both"));
}
