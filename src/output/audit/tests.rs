//! The judge over a small scan, and the report it feeds.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::*;
use crate::error::Op;
use crate::model::FileKind;
use crate::output::ErrorReporter;
use crate::scan::{Batch, EntryStat, Parent, ScanEvent};

fn stat(mode: u32, uid: u32) -> EntryStat {
    EntryStat { mode, uid, gid: 0, nlink: 1, ..EntryStat::default() }
}

/// A root dir `/r` with `su` (setuid root), `plain` and a subdirectory
/// `sub` whose listing fails.
fn events() -> Vec<ScanEvent> {
    let mut root = Batch::new(0, Parent::Root(0), Arc::from(Path::new("")), 0, 1);
    root.push(b"/r", Some(stat(0o040_755, 0)), FileKind::Dir, None, true, false, None);
    let root_key = root.key(0);
    let mut children = Batch::new(1, Parent::Dir(root_key), Arc::from(Path::new("/r")), 0, 3);
    children.push(b"su", Some(stat(0o104_755, 0)), FileKind::File, None, false, false, None);
    children.push(b"plain", Some(stat(0o100_644, 0)), FileKind::File, None, false, false, None);
    children.push(b"sub", Some(stat(0o040_755, 0)), FileKind::Dir, None, true, false, None);
    let sub_key = children.key(2);
    let error = ScanError { op: Op::ReadDir, errno: Some(13), reason: "denied".into() };
    vec![
        ScanEvent::Batch(root),
        ScanEvent::Batch(children),
        ScanEvent::DirError { dir: sub_key, path: PathBuf::from("/r/sub"), error },
    ]
}

fn judge(filter: Filter) -> (Vec<String>, Tally) {
    let mut judge = Judge::new(filter, vec![PathBuf::from("/r")]);
    let mut err = Vec::new();
    let mut reporter = ErrorReporter { err: &mut err, count: 0 };
    let mut seen = Vec::new();
    let mut sink = |item: Item<'_>| {
        seen.push(match item {
            Item::Entry(j) => format!(
                "{} {} {}",
                j.path.display(),
                j.findings.map(|f| f.ids().join(",")).unwrap_or_default(),
                j.change.as_ref().map_or("", Change::word)
            ),
            Item::Removed(r) => format!("removed {}", String::from_utf8_lossy(&r.path)),
        });
        Ok(())
    };
    for event in events() {
        judge.event(&event, &mut reporter, &mut sink).unwrap();
    }
    judge.finish(&mut sink).unwrap();
    assert_eq!(reporter.count, 1, "the directory error is reported");
    (seen, judge.tally().clone())
}

#[test]
fn audit_passes_entries_with_findings_and_holds_directories() {
    let (seen, tally) = judge(Filter { audit: Some(FindingSet::all()), baseline: None });
    assert_eq!(seen, ["/r/su setuid-root,setuid ", "/r/sub unreadable "]);
    assert_eq!((tally.scanned, tally.shown, tally.with_findings), (4, 2, 2));
    assert_eq!(tally.per_finding[0], 1);
    let only: FindingSet = [Finding::Unreadable].into_iter().collect();
    let (seen, _) = judge(Filter { audit: Some(only), baseline: None });
    assert_eq!(seen, ["/r/sub unreadable "]);
}

#[test]
fn baseline_passes_new_changed_and_removed() {
    let base = "\
{\"path\":\"/r\",\"type\":\"dir\",\"mode\":\"0755\",\"uid\":0,\"gid\":0}
{\"path\":\"/r/plain\",\"type\":\"file\",\"mode\":\"0600\",\"uid\":0,\"gid\":0}
{\"path\":\"/r/gone\",\"type\":\"file\",\"mode\":\"4755\",\"uid\":0,\"gid\":0}
{\"path\":\"/r/sub/inside\",\"type\":\"file\",\"mode\":\"0644\",\"uid\":0,\"gid\":0}
{\"path\":\"/elsewhere\",\"type\":\"file\",\"mode\":\"0644\",\"uid\":0,\"gid\":0}
";
    let tmp = tempfile::TempDir::new().unwrap();
    let file = tmp.path().join("base.jsonl");
    std::fs::write(&file, base).unwrap();
    let load = || Some(Baseline::load(&file).unwrap());
    let (seen, tally) = judge(Filter { audit: None, baseline: load() });
    // `/r/sub/inside` could not be seen (unreadable directory) and
    // `/elsewhere` is outside the root: neither is "removed".
    assert_eq!(seen, ["/r/su  new", "/r/plain  changed", "/r/sub  new", "removed /r/gone"]);
    assert_eq!((tally.new, tally.changed, tally.removed), (2, 1, 1));
    // With --audit: only what has (or had) findings.
    let (seen, _) = judge(Filter { audit: Some(FindingSet::all()), baseline: load() });
    assert_eq!(seen, ["/r/su setuid-root,setuid new", "/r/sub unreadable new", "removed /r/gone"]);
}

#[test]
fn report_groups_by_severity_with_counts() {
    let mut judge = Judge::new(
        Filter { audit: Some(FindingSet::all()), baseline: None },
        vec![PathBuf::from("/r")],
    );
    let mut err = Vec::new();
    let mut reporter = ErrorReporter { err: &mut err, count: 0 };
    let mut report = Report::new(FindingSet::all(), false);
    for event in events() {
        judge
            .event(&event, &mut reporter, &mut |item| {
                report.add(item);
                Ok(())
            })
            .unwrap();
    }
    let mut out = Vec::new();
    report.write(&mut out, &[PathBuf::from("/r")], judge.tally(), 1, None).unwrap();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "statree audit of /r: 2 entries with findings among 4 scanned, 1 errors");
    assert!(lines[2].starts_with("high    setuid-root (1): setuid file owned by root"), "{text}");
    assert!(lines[3].starts_with("  -rwsr-xr-x  root:") && lines[3].ends_with("  /r/su"), "{text}");
    assert!(lines[5].starts_with("medium  setuid (1): "), "{text}");
    assert!(lines[8].starts_with("info    unreadable (1): "), "{text}");
    assert!(lines[9].ends_with("/r/sub: reading directory: denied"), "{text}");
}
