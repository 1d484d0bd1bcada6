//! A `--json` record as the import keeps it, and serde_json's reading of
//! one: the reference that `jsonfast`'s in-place reader is held to. Apart
//! from both readers so that neither depends on the other's file.

use std::borrow::Cow;

use serde::Deserialize;

use super::lexer::{LexError, Lexed};

/// A path: a string, or the bytes of one that is not UTF-8 (an array).
#[derive(Debug, PartialEq)]
pub(super) enum RawPath<'a> {
    Text(Cow<'a, str>),
    Bytes(Vec<u8>),
}

/// Told apart by the JSON value's own type: an untagged enum would buffer
/// every path to try each variant in turn.
impl<'de: 'a, 'a> Deserialize<'de> for RawPath<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(from: D) -> Result<Self, D::Error> {
        from.deserialize_any(RawPathVisitor(std::marker::PhantomData))
    }
}

struct RawPathVisitor<'a>(std::marker::PhantomData<&'a ()>);

impl<'de: 'a, 'a> serde::de::Visitor<'de> for RawPathVisitor<'a> {
    type Value = RawPath<'a>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a path: a string, or an array of bytes")
    }

    fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Self::Value, E> {
        Ok(RawPath::Text(Cow::Borrowed(text)))
    }

    fn visit_str<E>(self, text: &str) -> Result<Self::Value, E> {
        Ok(RawPath::Text(Cow::Owned(text.to_owned())))
    }

    fn visit_string<E>(self, text: String) -> Result<Self::Value, E> {
        Ok(RawPath::Text(Cow::Owned(text)))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut bytes = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(byte) = seq.next_element::<u8>()? {
            bytes.push(byte);
        }
        Ok(RawPath::Bytes(bytes))
    }
}

impl RawPath<'_> {
    pub(super) fn bytes(&self) -> &[u8] {
        match self {
            RawPath::Text(text) => text.as_bytes(),
            RawPath::Bytes(bytes) => bytes,
        }
    }
}

/// The fields of a record the tree keeps (the rest are skipped).
#[derive(Deserialize, Debug, PartialEq)]
pub(super) struct Record<'a> {
    #[serde(borrow)]
    pub(super) path: RawPath<'a>,
    #[serde(rename = "type", borrow)]
    pub(super) kind: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub(super) mode: Option<Cow<'a, str>>,
    pub(super) ino: Option<u64>,
    pub(super) dev: Option<u64>,
    pub(super) nlink: Option<u64>,
    pub(super) uid: Option<u32>,
    pub(super) gid: Option<u32>,
    pub(super) size: Option<u64>,
    pub(super) blocks: Option<u64>,
    #[serde(borrow)]
    pub(super) atime: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub(super) mtime: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub(super) ctime: Option<Cow<'a, str>>,
    pub(super) rdev: Option<u64>,
    #[serde(borrow)]
    pub(super) error: Option<Cow<'a, str>>,
}

/// serde_json's reading of a line: the reference the fast path is held to.
pub(super) fn slow(line: &[u8], start: u64) -> Lexed<Record<'_>> {
    serde_json::from_slice(line).map_err(|e| LexError {
        offset: start + e.column().saturating_sub(1) as u64,
        reason: format!("a malformed record: {e}"),
    })
}
