//! The reader's fast paths (a value read straight from the buffer) against
//! its slow ones (a value split across refills): the same document fed a
//! few bytes at a time must give the same values, items and error offsets
//! as the document read in one block.

use std::io::{self, Read};

use super::lexer::{Lexed, Lexer};
use super::ncdu::{Item, Parser};

/// A reader that hands out at most `step` bytes per read, so every value
/// of the document straddles a refill somewhere.
struct Dribble {
    bytes: Vec<u8>,
    at: usize,
    step: usize,
}

impl Read for Dribble {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = self.step.min(out.len()).min(self.bytes.len() - self.at);
        out[..n].copy_from_slice(&self.bytes[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

fn lexer(doc: &[u8], step: usize) -> Lexer {
    Lexer::new(Box::new(Dribble { bytes: doc.to_vec(), at: 0, step }), None)
}

/// Steps from one byte a read to the whole document at once.
const STEPS: [usize; 6] = [1, 2, 3, 5, 8, 1 << 20];

/// What a lexer step reads, or where and why it failed.
fn outcome<T>(result: Lexed<T>) -> Result<T, (u64, String)> {
    result.map_err(|e| (e.offset, e.reason))
}

#[test]
fn numbers_read_the_same_whole_or_split() {
    let doc = b" 0, 123 ,-45,18446744073709551615,123456789012345678901234, 1.5e3,-0.25E-2 ,7";
    let want: Vec<i128> =
        vec![0, 123, -45, 18_446_744_073_709_551_615, 123_456_789_012_345_678_901_234, 1, 0, 7];
    for step in STEPS {
        let mut lex = lexer(doc, step);
        let mut got = Vec::new();
        for i in 0..want.len() {
            got.push(lex.integer().unwrap_or_else(|e| panic!("step {step}: {}", e.reason)));
            if i + 1 < want.len() {
                lex.expect(b',', "between numbers").unwrap();
            }
        }
        assert_eq!(got, want, "step {step}");
        assert_eq!(lex.peek_token().unwrap(), None);
        assert_eq!(lex.offset(), doc.len() as u64, "step {step}");
    }
}

#[test]
fn a_number_that_is_not_one_fails_at_the_same_byte_whole_or_split() {
    for (doc, offset) in [(&b"  -x"[..], 3), (b"\"12\"", 0), (b"   ", 3), (b"-", 1)] {
        for step in STEPS {
            let got = outcome(lexer(doc, step).integer());
            assert_eq!(got.map_err(|e| e.0), Err(offset), "{doc:?} step {step}");
        }
    }
}

#[test]
fn strings_read_the_same_whole_or_split_escapes_and_raw_bytes_kept() {
    let doc = b"\"plain\" \"a\\\"b\\\\c\\/\\n\" \"\\u00e9\\ud83d\\ude00\" \"\xff\xfe raw\" \"\" \
                \"a name longer than sixteen bytes, to the vector search\"";
    let want: Vec<Vec<u8>> = vec![
        b"plain".to_vec(),
        b"a\"b\\c/\n".to_vec(),
        "é😀".as_bytes().to_vec(),
        b"\xff\xfe raw".to_vec(),
        Vec::new(),
        b"a name longer than sixteen bytes, to the vector search".to_vec(),
    ];
    for step in STEPS {
        // Borrowed or decoded into scratch: both must read the same.
        let mut lex = lexer(doc, step);
        let mut scratch = Vec::new();
        let borrowed: Vec<Vec<u8>> =
            (0..want.len()).map(|_| lex.string_ref(&mut scratch).unwrap().to_vec()).collect();
        assert_eq!(borrowed, want, "string_ref, step {step}");
        let mut lex = lexer(doc, step);
        let copied: Vec<Vec<u8>> = (0..want.len())
            .map(|_| {
                let mut out = Vec::new();
                lex.string(&mut out).unwrap();
                out
            })
            .collect();
        assert_eq!(copied, want, "string, step {step}");
    }
}

#[test]
fn a_broken_string_fails_at_the_same_byte_whole_or_split() {
    for (doc, offset) in
        [(&b"\"abc"[..], 4), (b"\"a\\q\"", 4), (b"\"\\ud800x\"", 7), (b"x", 0), (b"\"\\u12g4\"", 5)]
    {
        for step in STEPS {
            let mut scratch = Vec::new();
            let got = outcome(lexer(doc, step).string_ref(&mut scratch).map(<[u8]>::to_vec));
            assert_eq!(got.map_err(|e| e.0), Err(offset), "{doc:?} step {step}");
        }
    }
}

/// Every item of an ncdu export with the fields the reader keeps, or the
/// error it stopped at.
fn items(doc: &[u8], step: usize) -> (Vec<String>, Option<(u64, String)>) {
    let (mut parser, _) = match Parser::new(lexer(doc, step)) {
        Ok(p) => p,
        Err(e) => return (Vec::new(), Some((e.offset, e.reason))),
    };
    let mut seen = Vec::new();
    loop {
        match parser.next_item() {
            Ok(Item::End) => return (seen, None),
            Ok(item) => {
                let i = &parser.info;
                seen.push(format!(
                    "{item:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {} {}",
                    i.name,
                    i.asize,
                    i.dsize,
                    i.ino,
                    i.mode,
                    i.mtime,
                    i.uid,
                    i.excluded,
                    i.hlnkc,
                    i.read_error
                ));
            }
            Err(e) => return (seen, Some((e.offset, e.reason))),
        }
    }
}

#[test]
fn an_export_reads_the_same_whole_or_split() {
    let doc = "[1,2,{\"progname\":\"t\",\"progver\":\"1\",\"timestamp\":17,\"x\":[1,{\"y\":[]}]},\n\
               [{\"name\":\"/r\",\"asize\":4096,\"dsize\":4096,\"dev\":9,\"mode\":16877},\n\
               {\"name\":\"f\\u00e9\",\"asize\":12,\"ino\":77,\"uid\":1000,\"hlnkc\":true,\"extra\":{\"k\":[1,2]}},\n\
               [{\"name\":\"sub\",\"read_error\":true,\"mtime\":-3},\n\
               {\"name\":\"skipped\",\"excluded\":\"pattern\"}],\n\
               {\"name\":\"last\",\"mtime\":1796077182}]]";
    let whole = items(doc.as_bytes(), 1 << 20);
    assert_eq!(whole.1, None);
    assert_eq!(whole.0.len(), 7, "{:#?}", whole.0);
    for step in STEPS {
        assert_eq!(items(doc.as_bytes(), step), whole, "step {step}");
    }
}

#[test]
fn a_broken_export_stops_at_the_same_item_and_byte_whole_or_split() {
    let good = "[1,2,{},[{\"name\":\"/r\"},{\"name\":\"a\",\"asize\":1},{\"name\":\"b\"}]]";
    let broken = [
        good[..good.len() - 9].to_string(),
        good.replace("\"asize\":1", "\"asize\":-1"),
        good.replace("\"asize\":1", "\"asize\":\"1\""),
        good.replace("{\"name\":\"b\"}", "{\"nom\":\"b\"}"),
        good.replace("},{", "}{"),
    ];
    for doc in &broken {
        let whole = items(doc.as_bytes(), 1 << 20);
        assert!(whole.1.is_some(), "{doc}");
        for step in STEPS {
            assert_eq!(items(doc.as_bytes(), step), whole, "{doc} step {step}");
        }
    }
}
