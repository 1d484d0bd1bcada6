//! The fast reader against serde_json: every line it reads must read the
//! same by serde_json; every line not in the writer's shape must go there.

use super::{outline, record};
use crate::import::record::slow;

/// What serde_json gives, or `None` where it refuses the line.
fn by_serde(line: &[u8]) -> Option<super::Record<'_>> {
    slow(line, 0).ok()
}

const STAT: &str = r#""mode":"0644","perms":"rw-r--r--","ino":10027167,"dev":65024,"nlink":1,"uid":1000,"gid":4294967295,"user":"me","group":null,"size":8,"blocks":8,"atime":"2026-11-30T22:19:42.330356652Z","mtime":"1969-12-31T23:59:58.750000000Z","ctime":"@-99999999999","btime":null"#;

/// What the first pass takes of a record.
fn path_and_dir(record: super::Record<'_>) -> (super::RawPath<'_>, bool) {
    let is_dir = record.kind.as_deref() == Some("dir");
    (record.path, is_dir)
}

/// Lines as statree's writer gives them (see `output::json::open_record`).
fn written() -> Vec<Vec<u8>> {
    let mut lines: Vec<Vec<u8>> = vec![
        format!(r#"{{"path":"/t/f27","type":"file",{STAT}}}"#).into_bytes(),
        format!(r#"{{"path":"/","type":"dir",{STAT}}}"#).into_bytes(),
        format!(r#"{{"path":"/t/café 中","type":"file",{STAT}}}"#).into_bytes(),
        format!(r#"{{"path":"/t/l","type":"symlink",{STAT},"target":"../x"}}"#).into_bytes(),
        format!(r#"{{"path":"/dev/sda","type":"block",{STAT},"rdev":2048}}"#).into_bytes(),
        format!(r#"{{"path":"/dev/null","type":"char",{STAT},"rdev":0}}"#).into_bytes(),
        format!(r#"{{"path":[47,116,47,255,0,1],"type":"file",{STAT}}}"#).into_bytes(),
        format!(r#"{{"path":[],"type":"fifo",{STAT}}}"#).into_bytes(),
        format!(r#"{{"path":"/t/s","type":null,{STAT},"error":"stat: gone"}}"#).into_bytes(),
        br#"{"path":"/t/x","type":"dir","mode":null,"perms":null,"ino":null,"dev":null,"nlink":null,"uid":null,"gid":null,"user":null,"group":null,"size":null,"blocks":null,"atime":null,"mtime":null,"ctime":null,"btime":null,"error":"open dir: Permission denied (os error 13)"}"#.to_vec(),
        br#"{"path":"/t/y","size":18446744073709551615}"#.to_vec(),
        br#"{"path":"/t/z"}"#.to_vec(),
    ];
    // Bytes that are not UTF-8 sit raw in no string: only in arrays.
    let mut raw = b"{\"path\":[".to_vec();
    raw.extend((0..=255u16).map(|b| b.to_string()).collect::<Vec<_>>().join(",").as_bytes());
    raw.extend_from_slice(b"],\"type\":\"file\"}");
    lines.push(raw);
    lines
}

#[test]
fn the_writers_lines_are_read_here_and_as_serde_json_reads_them() {
    for line in written() {
        let text = String::from_utf8_lossy(&line);
        let fast = record(&line);
        assert!(fast.is_some(), "not read in place: {text}");
        assert_eq!(fast, by_serde(&line), "{text}");
        // A written line with a type has it right after its path.
        match outline(&line) {
            Some(outline) => assert_eq!(Some(outline), by_serde(&line).map(path_and_dir), "{text}"),
            None => assert!(!text.contains(",\"type\":\""), "{text}"),
        }
    }
}

#[test]
fn every_other_shape_goes_to_serde_json() {
    for line in [
        &br#"{"path":"/t/a\nb","type":"file"}"#[..],
        br#"{"path":"/t/\u00e9","type":"file"}"#,
        br#"{"path":"/t/a","type":"fi\"le"}"#,
        br#"{"path":"/t/a","user":"a\\b"}"#,
        br#"{ "path":"/t/a"}"#,
        br#"{"path": "/t/a"}"#,
        br#"{"path":"/t/a" ,"type":"file"}"#,
        br#"{"path":"/t/a"} "#,
        br#"{"path":"/t/a"}x"#,
        br#"{"path":"/t/a""#,
        br#"{"path":"/t/a","#,
        br#"{"type":"file","path":"/t/a"}"#,
        br#"{"path":"/t/a","path":"/t/b"}"#,
        br#"{"path":"/t/a","size":1,"size":2}"#,
        br#"{"path":"/t/a","size":1.0}"#,
        br#"{"path":"/t/a","size":1e3}"#,
        br#"{"path":"/t/a","size":-1}"#,
        br#"{"path":"/t/a","size":01}"#,
        br#"{"path":"/t/a","size":18446744073709551616}"#,
        br#"{"path":"/t/a","uid":4294967296}"#,
        br#"{"path":"/t/a","size":"8"}"#,
        br#"{"path":"/t/a","mode":420}"#,
        br#"{"path":"/t/a","findings":["setuid"]}"#,
        br#"{"path":"/t/a","was":{"type":"file"}}"#,
        br#"{"path":"/t/a","x":true}"#,
        br#"{"path":[47,256]}"#,
        br#"{"path":[47,-1]}"#,
        br#"{"path":[47,]}"#,
        br#"{"path":[047]}"#,
        br#"{"path":null}"#,
        br#"{"path":"/t/a\u0001"}"#,
        b"{\"path\":\"/t/a\x01\"}",
        b"{\"path\":\"/t/\xff\"}",
        b"{\"path\":\"/t/a\",\"user\":\"\xc3\"}",
        b"{\"path\":\"/t/a\"}\r",
        br#"{"path":"/t/a","p\u0061th":"/t/b"}"#,
    ] {
        let text = String::from_utf8_lossy(line);
        assert_eq!(record(line), None, "read in place: {text}");
    }
}

#[test]
fn no_change_to_a_written_line_is_read_otherwise_than_by_serde_json() {
    // Each byte of each written line replaced by each of these, and each
    // line cut at each byte: wherever the fast path still reads the line,
    // serde_json must read it too, to the same record.
    let swaps: &[u8] = b" \"\\0190,:}]{[-.enx\xff\x01\x00\x1f\x7f\x80\xc3";
    for line in written() {
        for cut in 0..line.len() {
            if let Some(fast) = record(&line[..cut]) {
                assert_eq!(Some(fast), by_serde(&line[..cut]));
            }
        }
        for at in 0..line.len() {
            for &b in swaps {
                let mut changed = line.clone();
                changed[at] = b;
                let text = String::from_utf8_lossy(&changed);
                if let Some(fast) = record(&changed) {
                    assert_eq!(Some(fast), by_serde(&changed), "{text}");
                }
                // The outline reads no further than the type: wherever
                // serde_json reads the line, it must agree.
                if let (Some(outline), Some(full)) = (outline(&changed), by_serde(&changed)) {
                    assert_eq!(outline, path_and_dir(full), "{text}");
                }
            }
        }
    }
}
