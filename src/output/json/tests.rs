//! Records against the shipped schema, with and without the audit's fields.

use std::path::Path;
use std::sync::Arc;

use super::*;
use crate::error::Op;
use crate::scan::{Batch, Detail, EntryStat, Parent};

const SCHEMA: &str = include_str!("../../../assets/record.schema.json");

fn record(entry_stat: Option<EntryStat>, detail: Option<Detail>, error: bool) -> serde_json::Value {
    let mut batch = Batch::new(0, Parent::Root(0), Arc::from(Path::new("")), 0, 1);
    let error = error.then(|| ScanError { op: Op::Stat, errno: Some(2), reason: "gone".into() });
    batch.push(
        b"/x/\xffy",
        entry_stat,
        FileKind::File,
        error.clone(),
        false,
        false,
        detail.map(Box::new),
    );
    let mut line = Vec::new();
    open_record(&mut line, b"/x/\xffy", &batch.entries[0], &mut OwnerNames::new());
    if let Some(error) = &error {
        push_error(&mut line, error);
    }
    line.push(b'}');
    serde_json::from_slice(&line).expect("record is valid JSON")
}

fn keys(value: &serde_json::Value) -> Vec<String> {
    value.as_object().expect("object").keys().cloned().collect()
}

#[test]
fn records_match_the_shipped_schema() {
    let schema: serde_json::Value = serde_json::from_str(SCHEMA).expect("schema parses");
    let known: Vec<String> = keys(&schema["properties"]);
    let required: Vec<&str> =
        schema["required"].as_array().unwrap().iter().filter_map(|v| v.as_str()).collect();
    let file = EntryStat { mode: 0o104_755, nlink: 1, ..EntryStat::default() };
    let link = EntryStat { mode: 0o120_777, ..EntryStat::default() };
    let chr = EntryStat { mode: 0o020_666, rdev: 259, ..EntryStat::default() };
    let target = Detail { target: Some(b"t".to_vec()), ..Detail::default() };
    let cases = [
        (record(Some(file), None, false), vec![]),
        (record(Some(link), Some(target), false), vec!["target"]),
        (record(Some(chr), None, false), vec!["rdev"]),
        (record(None, None, true), vec!["error"]),
    ];
    for (value, extra) in &cases {
        let mut expected: Vec<&str> = required.clone();
        expected.extend(extra.iter());
        let mut got = keys(value);
        got.sort();
        expected.sort();
        assert_eq!(got, expected);
        assert!(got.iter().all(|k| known.contains(k)));
    }
    assert_eq!(cases[0].0["mode"], "4755");
    assert_eq!(cases[0].0["perms"], "rwsr-xr-x");
    assert_eq!(cases[0].0["path"], serde_json::json!([47, 120, 47, 255, 121]));
    assert_eq!(cases[2].0["rdev"], 259);
    assert!(cases[3].0["size"].is_null());
}

#[test]
fn audit_and_baseline_fields_are_in_the_schema() {
    use crate::audit::Baseline;
    use crate::scan::AuditDetail;

    let schema: serde_json::Value = serde_json::from_str(SCHEMA).expect("schema parses");
    let ids: Vec<&str> = schema["$defs"]["finding"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert_eq!(ids, Finding::ALL.map(Finding::id));
    let known = keys(&schema["properties"]);
    let was_known = keys(&schema["properties"]["was"]["properties"]);

    let base = r#"{"path":"/x","type":"file","mode":"0755","uid":0,"gid":0,"findings":[]}
{"path":[47,255],"type":"file","mode":"4755","uid":0,"gid":0,"user":"root","group":"root"}"#;
    let mut baseline = Baseline::parse(Path::new("b"), base.as_bytes()).unwrap();
    let old = baseline.take(b"/x").unwrap();
    let mut batch = Batch::new(0, Parent::Root(0), Arc::from(Path::new("")), 0, 1);
    let capability = Some(crate::audit::caps::encode(true, 1 << 13, 0, None));
    let detail =
        Detail { audit: AuditDetail { capability, ..Default::default() }, ..Detail::default() };
    let st = EntryStat { mode: 0o104_755, nlink: 1, ..EntryStat::default() };
    batch.push(b"/x", Some(st), FileKind::File, None, false, false, Some(Box::new(detail)));
    let found: FindingSet = [Finding::Setuid, Finding::Capabilities].into_iter().collect();
    let judged = Judged {
        path: "/x".into(),
        entry: batch.entries[0].clone(),
        error: None,
        findings: Some(found),
        change: Some(Change::Changed(Box::new(old))),
    };
    let mut names = OwnerNames::new();
    let (mut out, mut line) = (Vec::new(), Vec::new());
    write_item(&mut out, Item::Entry(&judged), &mut names, &mut line).unwrap();
    let rest = baseline.drain_remaining();
    let lines = baseline_lines(base, &rest[0].1);
    let removed = Removed {
        path: rest[0].0.clone(),
        old: rest[0].1.clone(),
        findings: Some(FindingSet::EMPTY),
        line: lines,
    };
    write_item(&mut out, Item::Removed(&removed), &mut names, &mut line).unwrap();
    let text = String::from_utf8(out).unwrap();
    let records: Vec<serde_json::Value> =
        text.lines().map(|l| serde_json::from_str(l).expect("valid JSON")).collect();
    let changed = &records[0];
    assert!(keys(changed).iter().all(|k| known.contains(k)), "{changed}");
    assert!(keys(&changed["was"]).iter().all(|k| was_known.contains(k)), "{changed}");
    assert_eq!(changed["findings"], serde_json::json!(["setuid", "capabilities"]));
    assert_eq!(changed["capabilities"], "cap_net_raw+ep");
    assert_eq!(changed["change"], "changed");
    assert_eq!(
        changed["was"],
        serde_json::json!({"type":"file","mode":"0755","uid":0,"gid":0,"findings":[]})
    );
    let gone = &records[1];
    assert!(keys(gone).iter().all(|k| known.contains(k)), "{gone}");
    assert_eq!(gone["change"], "removed");
    assert_eq!(gone["path"], serde_json::json!([47, 255]));
    assert_eq!(gone["findings"], serde_json::json!([]), "derived for an audit");
    assert_eq!(gone["mode"], "4755");
}

/// The text of a record's line (what `Baseline::read_lines` gives back).
fn baseline_lines(text: &str, old: &OldRecord) -> Vec<u8> {
    text.lines().nth(old.line as usize - 1).unwrap().as_bytes().to_vec()
}
