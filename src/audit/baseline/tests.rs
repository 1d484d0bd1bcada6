//! Reading a baseline, comparing with it, and reading removed lines back.

use super::*;
use crate::audit::findings::{Finding, FindingSet};
use crate::model::mode::FileKind;

fn parse(text: &str) -> Result<Baseline, BaselineError> {
    Baseline::parse(Path::new("base.jsonl"), text.as_bytes())
}

const FILE: &str = r#"{"path":"/r","type":"dir","mode":"0755","uid":0,"gid":0,"user":"root","group":"root"}
{"path":"/r/su","type":"file","mode":"4755","uid":0,"gid":0,"nlink":2,"user":"root","group":"root"}

{"path":[47,114,47,255],"type":null,"mode":null,"uid":null,"gid":null,"user":null,"group":null,"error":"stat: gone"}
{"path":"/r/o","type":"file","mode":"0644","uid":54321,"gid":0,"user":null,"group":"root","findings":["orphan-owner","from-the-future"]}
"#;

fn current(kind: FileKind, mode: u32, uid: u32, gid: u32) -> Current {
    Current {
        kind,
        mode: Some(kind.mode_bits() | mode),
        uid: Some(uid),
        gid: Some(gid),
        findings: None,
        selection: FindingSet::all(),
    }
}

#[test]
fn records_are_read_by_raw_path() {
    let mut base = parse(FILE).unwrap();
    assert_eq!(base.len(), 4);
    let su = base.take(b"/r/su").unwrap();
    assert_eq!(
        (su.kind, su.mode, su.uid, su.nlink),
        (FileKind::File, Some(0o4755), Some(0), Some(2))
    );
    assert_eq!(su.line, 2);
    assert_eq!(su.findings, None);
    assert_eq!(
        su.findings_among(FindingSet::all()).ids(),
        ["setuid-root", "hardlinked-setuid", "setuid"]
    );
    let bad = base.take(b"/r/\xff").unwrap();
    assert_eq!((bad.kind, bad.mode, bad.error, bad.line), (FileKind::Unknown, None, true, 4));
    assert_eq!(bad.findings_among(FindingSet::all()).ids(), ["unreadable"]);
    let orphan = base.take(b"/r/o").unwrap();
    assert_eq!(orphan.user_named, Some(false));
    // The unknown id is ignored.
    assert_eq!(orphan.findings.unwrap().ids(), ["orphan-owner"]);
    assert!(base.take(b"/r/su").is_none());
    assert_eq!(base.drain_remaining().len(), 1);
    assert!(base.is_empty());
}

#[test]
fn changes_in_type_mode_owner_and_findings() {
    let mut base = parse(FILE).unwrap();
    let same = current(FileKind::File, 0o4755, 0, 0);
    assert_eq!(base.compare(b"/r/su", &same), None);
    assert_eq!(base.compare(b"/r/new", &same), Some(Change::New));
    let base_su = || parse(FILE).unwrap().take(b"/r/su").unwrap();
    assert!(differs(&base_su(), &current(FileKind::File, 0o755, 0, 0)));
    assert!(differs(&base_su(), &current(FileKind::File, 0o4755, 1, 0)));
    assert!(differs(&base_su(), &current(FileKind::File, 0o4755, 0, 1)));
    assert!(differs(&base_su(), &current(FileKind::Dir, 0o4755, 0, 0)));
    // Findings are compared only when the baseline has them.
    let with_findings = Current { findings: Some(FindingSet::EMPTY), ..same };
    assert!(!differs(&base_su(), &with_findings));
    let orphan = parse(FILE).unwrap().take(b"/r/o").unwrap();
    let now =
        Current { findings: Some(FindingSet::EMPTY), ..current(FileKind::File, 0o644, 54321, 0) };
    assert!(differs(&orphan, &now));
    let still: FindingSet = [Finding::OrphanOwner].into_iter().collect();
    assert!(!differs(&orphan, &Current { findings: Some(still), ..now }));
    // …among the selected ones only.
    let selection: FindingSet = [Finding::Setuid].into_iter().collect();
    assert!(!differs(&orphan, &Current { selection, ..now }));
    // A failed stat against a readable record is a change.
    let gone = Current { mode: None, uid: None, gid: None, ..now };
    assert!(differs(&orphan, &gone));
}

#[test]
fn removed_lines_are_read_back_exactly() {
    let tmp = tempfile::TempDir::new().unwrap();
    let file = tmp.path().join("base.jsonl");
    std::fs::write(&file, format!("  {}", FILE.replace('\n', "\r\n"))).unwrap();
    let mut base = Baseline::load(&file).unwrap();
    base.take(b"/r");
    let rest = base.drain_remaining();
    let lines = base.read_lines(&rest.iter().map(|(_, r)| r).collect::<Vec<_>>()).unwrap();
    let expected: Vec<&str> = FILE.lines().filter(|l| !l.is_empty()).skip(1).collect();
    let got: Vec<String> = lines.into_iter().map(|l| String::from_utf8(l).unwrap()).collect();
    assert_eq!(got, expected);
}

#[test]
fn malformed_files_name_the_file_and_line() {
    let cases = [
        ("{\"path\":\"/a\"", "line 1: not JSON"),
        ("[1,2]", "line 1: not a JSON object"),
        ("{\"type\":\"file\"}", "line 1: no \"path\""),
        ("\n{\"path\":\"/a\",\"mode\":\"0644\",\"uid\":0,\"gid\":0}", "line 2: no \"type\""),
        (
            "{\"path\":\"/a\",\"type\":\"door\",\"mode\":\"0644\",\"uid\":0,\"gid\":0}",
            "not a known type",
        ),
        ("{\"path\":\"/a\",\"type\":\"file\",\"mode\":\"0999\",\"uid\":0,\"gid\":0}", "\"mode\""),
        ("{\"path\":\"/a\",\"type\":\"file\",\"mode\":\"0644\",\"gid\":0}", "no \"uid\""),
        ("{\"path\":\"/a\",\"type\":\"file\",\"mode\":\"0644\",\"uid\":-1,\"gid\":0}", "\"uid\""),
        (
            "{\"path\":\"/a\",\"type\":\"file\",\"mode\":\"0644\",\"uid\":0,\"gid\":0,\"findings\":\"setuid\"}",
            "\"findings\"",
        ),
        (
            "{\"path\":\"/a\",\"type\":\"file\",\"mode\":\"0644\",\"uid\":0,\"gid\":0,\"change\":\"new\"}",
            "--baseline output",
        ),
    ];
    for (text, want) in cases {
        let err = parse(text).unwrap_err().to_string();
        assert!(err.starts_with("baseline base.jsonl: "), "{err}");
        assert!(err.contains(want), "{text}: {err}");
    }
    let missing = Baseline::load(Path::new("/nonexistent/base.jsonl")).unwrap_err();
    assert_eq!(missing.line, None);
    assert!(missing.to_string().starts_with("baseline /nonexistent/base.jsonl: "));
    assert!(parse("").unwrap().is_empty());
}
