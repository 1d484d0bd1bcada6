//! `--baseline FILE`: a previous `--json` output, and what has changed since.
//!
//! Each line of the file is one record; the fields read are `path` (decoded
//! with [`crate::output::pathcodec::decode`]), `type`, `mode`, `uid`, `gid`
//! (all four required, `null` allowed), and where present `nlink`, `size`,
//! `user`, `group`, `error` and `findings` (an `--audit` output). An entry of
//! the new scan is
//!
//! * **new** when its path is not in the baseline;
//! * **changed** when its type, permission bits (the 12 of `mode`), uid or gid
//!   differ — or, when the baseline record has a `findings` array and the new
//!   scan is an audit, its findings (among the ones selected) differ;
//! * unchanged otherwise.
//!
//! A baseline record whose path the new scan did not see is **removed**
//! (the caller limits that to paths under the scanned roots). Only the byte
//! offset of each line is kept in memory; removed records are read back from
//! the file at the end.

use std::collections::HashMap;
use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::findings::{AuditFacts, Finding, FindingSet, StatFacts};
use crate::model::mode::{FileKind, PERM_MASK};
use crate::output::pathcodec;

/// What the baseline knew about one path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OldRecord {
    /// The type (`Unknown` for `null`).
    pub kind: FileKind,
    /// The 12 permission bits.
    pub mode: Option<u32>,
    /// Owner.
    pub uid: Option<u32>,
    /// Group.
    pub gid: Option<u32>,
    /// Hard links.
    pub nlink: Option<u64>,
    /// Apparent size.
    pub size: Option<u64>,
    /// Whether the uid had a name (`user` was a string, not `null`).
    pub user_named: Option<bool>,
    /// Whether the gid had a name.
    pub group_named: Option<bool>,
    /// Whether the record had an `error`.
    pub error: bool,
    /// The record's `findings` (only in an `--audit` output).
    pub findings: Option<FindingSet>,
    /// Line number in the file (1-based).
    pub line: u64,
    offset: u64,
    len: u32,
}

impl OldRecord {
    /// The facts the record gives: its mode, owner, link count, names and
    /// error. Symlink targets and xattrs are not in a record, so those
    /// findings never hold for them.
    pub fn facts(&self) -> AuditFacts<'static> {
        let mut facts = AuditFacts::new(self.kind);
        if let (Some(mode), Some(uid), Some(gid)) = (self.mode, self.uid, self.gid) {
            facts.stat = Some(StatFacts {
                mode: self.kind.mode_bits() | mode,
                uid,
                gid,
                nlink: self.nlink.unwrap_or(1),
            });
        }
        facts.user_named = self.user_named;
        facts.group_named = self.group_named;
        facts.error = self.error;
        facts
    }

    /// The record's findings among `selection`: its own `findings` when it
    /// has them, otherwise what [`Self::facts`] gives.
    pub fn findings_among(&self, selection: FindingSet) -> FindingSet {
        match self.findings {
            Some(found) => found.intersect(selection),
            None => self.facts().evaluate(selection),
        }
    }
}

/// How an entry of the new scan relates to the baseline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Not in the baseline.
    New,
    /// In the baseline with a different type, mode, owner, group or findings.
    Changed(Box<OldRecord>),
}

impl Change {
    /// `new` or `changed`, as written in outputs.
    pub fn word(&self) -> &'static str {
        match self {
            Change::New => "new",
            Change::Changed(_) => "changed",
        }
    }
}

/// What the new scan says about an entry, for the comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Current {
    /// The type.
    pub kind: FileKind,
    /// Full `st_mode`, `None` when `lstat` failed.
    pub mode: Option<u32>,
    /// Owner.
    pub uid: Option<u32>,
    /// Group.
    pub gid: Option<u32>,
    /// The findings (among the selection), when this is an audit.
    pub findings: Option<FindingSet>,
    /// The selected findings (to compare the old ones against).
    pub selection: FindingSet,
}

/// Whether `now` differs from `old` in type, permission bits, uid, gid, or —
/// when both sides know them — findings.
pub fn differs(old: &OldRecord, now: &Current) -> bool {
    let findings_differ = match (old.findings, now.findings) {
        (Some(then), Some(found)) => then.intersect(now.selection) != found,
        _ => false,
    };
    old.kind != now.kind
        || old.mode != now.mode.map(|m| m & PERM_MASK)
        || old.uid != now.uid
        || old.gid != now.gid
        || findings_differ
}

/// Why a baseline could not be used.
#[derive(Debug)]
pub struct BaselineError {
    /// The file.
    pub file: PathBuf,
    /// The line, when the problem is in one.
    pub line: Option<u64>,
    /// What is wrong.
    pub reason: String,
}

impl fmt::Display for BaselineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "baseline {}", crate::sanitize::path(&self.file))?;
        if let Some(line) = self.line {
            write!(f, ": line {line}")?;
        }
        write!(f, ": {}", crate::sanitize::text(&self.reason))
    }
}

impl std::error::Error for BaselineError {}

/// A loaded baseline: every record, by raw path.
#[derive(Debug)]
pub struct Baseline {
    file: PathBuf,
    records: HashMap<Box<[u8]>, OldRecord>,
}

impl Baseline {
    /// Reads and checks the whole file.
    pub fn load(file: &Path) -> Result<Self, BaselineError> {
        let io_error = |e: io::Error| BaselineError {
            file: file.to_path_buf(),
            line: None,
            reason: e.to_string(),
        };
        let reader = File::open(file).map_err(io_error)?;
        Self::parse(file, BufReader::with_capacity(1 << 16, reader))
    }

    /// Reads records from `reader`; `file` names it in errors and is where
    /// removed records are read back from.
    pub fn parse(file: &Path, mut reader: impl BufRead) -> Result<Self, BaselineError> {
        let fail = |line: Option<u64>, reason: String| BaselineError {
            file: file.to_path_buf(),
            line,
            reason,
        };
        let mut records = HashMap::new();
        let mut buf = Vec::with_capacity(1024);
        let mut offset = 0u64;
        let mut number = 0u64;
        loop {
            buf.clear();
            let read = reader.read_until(b'\n', &mut buf).map_err(|e| fail(None, e.to_string()))?;
            if read == 0 {
                break;
            }
            number += 1;
            let start = offset;
            offset += read as u64;
            let text = buf.trim_ascii();
            if text.is_empty() {
                continue;
            }
            let (path, mut record) =
                parse_record(text).map_err(|reason| fail(Some(number), reason))?;
            let lead = buf.len() - buf.trim_ascii_start().len();
            record.line = number;
            record.offset = start + lead as u64;
            record.len = u32::try_from(text.len())
                .map_err(|_| fail(Some(number), "record too long".into()))?;
            records.insert(path.into_boxed_slice(), record);
        }
        Ok(Baseline { file: file.to_path_buf(), records })
    }

    /// The file it was read from.
    pub fn file(&self) -> &Path {
        &self.file
    }

    /// Records not yet taken.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// True when every record has been taken (or there were none).
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Takes the record of `path` out (so what remains at the end was removed).
    pub fn take(&mut self, path: &[u8]) -> Option<OldRecord> {
        self.records.remove(path)
    }

    /// Takes the record of `path` and compares: `None` when unchanged.
    pub fn compare(&mut self, path: &[u8], now: &Current) -> Option<Change> {
        match self.take(path) {
            None => Some(Change::New),
            Some(old) if differs(&old, now) => Some(Change::Changed(Box::new(old))),
            Some(_) => None,
        }
    }

    /// Takes every remaining record, in file order.
    pub fn drain_remaining(&mut self) -> Vec<(Vec<u8>, OldRecord)> {
        let mut rest: Vec<_> =
            self.records.drain().map(|(path, record)| (path.into_vec(), record)).collect();
        rest.sort_by_key(|(_, record)| record.offset);
        rest
    }

    /// Reads back the text of each record (one open, a seek per record).
    pub fn read_lines(&self, records: &[&OldRecord]) -> io::Result<Vec<Vec<u8>>> {
        let mut file = File::open(&self.file)?;
        records
            .iter()
            .map(|record| {
                let mut line = vec![0; record.len as usize];
                file.seek(SeekFrom::Start(record.offset))?;
                file.read_exact(&mut line)?;
                if line.first() != Some(&b'{') || line.last() != Some(&b'}') {
                    return Err(io::Error::other(format!(
                        "baseline {}: line {} changed while statree ran",
                        crate::sanitize::path(&self.file),
                        record.line
                    )));
                }
                Ok(line)
            })
            .collect()
    }
}

fn kind_from_json(value: &Value) -> Result<FileKind, String> {
    match value {
        Value::Null => Ok(FileKind::Unknown),
        Value::String(word) => FileKind::from_json_name(word)
            .ok_or_else(|| format!("\"type\" {word:?} is not a known type")),
        other => Err(format!("\"type\" is {other}, not a string or null")),
    }
}

fn number(obj: &serde_json::Map<String, Value>, key: &str) -> Result<Option<u64>, String> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => value
            .as_u64()
            .map(Some)
            .ok_or_else(|| format!("\"{key}\" is {value}, not a whole number or null")),
    }
}

fn id(obj: &serde_json::Map<String, Value>, key: &str) -> Result<Option<u32>, String> {
    if !obj.contains_key(key) {
        return Err(format!("no \"{key}\" field (is this a statree --json output?)"));
    }
    number(obj, key)?
        .map(|n| u32::try_from(n).map_err(|_| format!("\"{key}\" {n} is out of range")))
        .transpose()
}

fn named(obj: &serde_json::Map<String, Value>, key: &str) -> Option<bool> {
    match obj.get(key) {
        Some(Value::String(_)) => Some(true),
        Some(Value::Null) => Some(false),
        _ => None,
    }
}

fn parse_record(text: &[u8]) -> Result<(Vec<u8>, OldRecord), String> {
    let value: Value = serde_json::from_slice(text).map_err(|e| format!("not JSON: {e}"))?;
    let Value::Object(obj) = value else {
        return Err("not a JSON object".into());
    };
    if obj.contains_key("change") {
        return Err("this is a --baseline output (it has \"change\"); \
                    give a plain --json output as the baseline"
            .into());
    }
    let path = obj
        .get("path")
        .and_then(pathcodec::decode)
        .ok_or("no \"path\" (a string or an array of bytes)")?;
    let kind = kind_from_json(obj.get("type").ok_or("no \"type\" field")?)?;
    let mode = match obj.get("mode").ok_or("no \"mode\" field")? {
        Value::Null => None,
        Value::String(digits)
            if (1..=4).contains(&digits.len())
                && digits.bytes().all(|b| (b'0'..=b'7').contains(&b)) =>
        {
            u32::from_str_radix(digits, 8).ok()
        }
        other => return Err(format!("\"mode\" is {other}, not 4 octal digits")),
    };
    let uid = id(&obj, "uid")?;
    let gid = id(&obj, "gid")?;
    let findings = match obj.get("findings") {
        None => None,
        Some(Value::Array(ids)) => {
            let mut set = FindingSet::EMPTY;
            for id in ids {
                let id = id.as_str().ok_or("\"findings\" holds something other than ids")?;
                // Ids from a newer statree are ignored, not fatal.
                if let Some(finding) = Finding::from_id(id) {
                    set.insert(finding);
                }
            }
            Some(set)
        }
        Some(other) => return Err(format!("\"findings\" is {other}, not an array")),
    };
    let record = OldRecord {
        kind,
        mode,
        uid,
        gid,
        nlink: number(&obj, "nlink")?,
        size: number(&obj, "size")?,
        user_named: uid.and(named(&obj, "user")),
        group_named: gid.and(named(&obj, "group")),
        error: obj.contains_key("error"),
        findings,
        line: 0,
        offset: 0,
        len: 0,
    };
    Ok((path, record))
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let now = Current {
            findings: Some(FindingSet::EMPTY),
            ..current(FileKind::File, 0o644, 54321, 0)
        };
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
            (
                "{\"path\":\"/a\",\"type\":\"file\",\"mode\":\"0999\",\"uid\":0,\"gid\":0}",
                "\"mode\"",
            ),
            ("{\"path\":\"/a\",\"type\":\"file\",\"mode\":\"0644\",\"gid\":0}", "no \"uid\""),
            (
                "{\"path\":\"/a\",\"type\":\"file\",\"mode\":\"0644\",\"uid\":-1,\"gid\":0}",
                "\"uid\"",
            ),
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
}
