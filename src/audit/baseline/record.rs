//! One record of a baseline: what it knew about a path, read from a line of
//! an earlier `--json` output, and the facts it gives the audit.

use serde_json::Value;

use crate::audit::findings::{AuditFacts, Finding, FindingSet, StatFacts};
use crate::model::mode::FileKind;
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
    /// Byte offset of the line in the file (its first non-blank byte).
    pub(super) offset: u64,
    /// Length of the line, trimmed.
    pub(super) len: u32,
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

/// Parses one line: the raw path and its record (line, offset and length
/// are the caller's to fill in).
pub(super) fn parse_record(text: &[u8]) -> Result<(Vec<u8>, OldRecord), String> {
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
