//! Property tests: the parallel scan of random trees with random byte names
//! equals a serial walk, and the sanitizer is injective and never lets a
//! control, bidi or invisible character through.

mod common;

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::Path;

use proptest::collection::vec;
use proptest::prelude::*;

use common::{bytes, options, public_tempdir, scan_lib, serial_walk};

// --- random trees -----------------------------------------------------------

#[derive(Debug, Clone)]
enum Node {
    File { name: Vec<u8>, len: usize, mode: u32 },
    Link { name: Vec<u8>, target: Vec<u8> },
    Dir { name: Vec<u8>, children: Vec<Node> },
}

impl Node {
    fn name(&self) -> &[u8] {
        match self {
            Node::File { name, .. } | Node::Link { name, .. } | Node::Dir { name, .. } => name,
        }
    }
}

/// Any byte a Linux name may hold: not NUL, not `/`.
fn name_byte() -> impl Strategy<Value = u8> {
    prop_oneof![1u8..b'/', (b'/' + 1)..=u8::MAX]
}

/// 1–255 bytes, never `.` or `..`; short names often, so that siblings
/// collide and sort against each other.
fn name() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => vec(name_byte(), 1..=8),
        1 => vec(name_byte(), 1..=255),
        1 => vec(prop_oneof![Just(b'.'), Just(b'a'), Just(b'\n'), Just(0xff)], 1..=3),
    ]
    .prop_filter("not . or ..", |n| n != b"." && n != b"..")
}

fn node() -> impl Strategy<Value = Node> {
    let target = vec(prop_oneof![Just(b'/'), Just(b'.'), name_byte()], 1..=64);
    let leaf = prop_oneof![
        (name(), 0usize..3000, 0u32..0o10000).prop_map(|(name, len, mode)| Node::File {
            name,
            len,
            mode
        }),
        (name(), target).prop_map(|(name, target)| Node::Link { name, target }),
        name().prop_map(|name| Node::Dir { name, children: Vec::new() }),
    ];
    // Three levels of directories inside the top level: depth ≤ 4 below the root.
    leaf.prop_recursive(3, 48, 6, |inner| {
        (name(), vec(inner, 0..6)).prop_map(|(name, children)| Node::Dir { name, children })
    })
}

/// Creates `nodes` in `dir`; a name already taken there is skipped.
fn build(dir: &Path, nodes: &[Node]) {
    let mut taken = BTreeSet::new();
    for node in nodes.iter().filter(|n| taken.insert(n.name().to_vec())) {
        let path = dir.join(OsStr::from_bytes(node.name()));
        match node {
            Node::File { len, mode, .. } => {
                fs::write(&path, vec![b'x'; *len]).unwrap();
                fs::set_permissions(&path, fs::Permissions::from_mode(*mode)).unwrap();
            }
            Node::Link { target, .. } => symlink(OsStr::from_bytes(target), &path).unwrap(),
            Node::Dir { children, .. } => {
                fs::create_dir(&path).unwrap();
                build(&path, children);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn parallel_scan_of_a_random_tree_equals_the_serial_walk(
        nodes in vec(node(), 0..8),
        threads in 1usize..=4,
    ) {
        let tmp = public_tempdir();
        let root = tmp.path().join("root");
        fs::create_dir(&root).unwrap();
        build(&root, &nodes);

        let serial = serial_walk(&root);
        let scanned = scan_lib(options(&[&root], threads));
        prop_assert!(scanned.finished);
        prop_assert!(scanned.dir_errors.is_empty(), "{:?}", scanned.dir_errors);
        let found = scanned.by_path();
        let found_paths: BTreeSet<&[u8]> = found.keys().map(|p| bytes(p)).collect();
        let serial_paths: BTreeSet<&[u8]> = serial.keys().map(|p| bytes(p)).collect();
        prop_assert_eq!(found_paths, serial_paths);
        for (path, entry) in &found {
            prop_assert!(entry.error.is_none(), "{:?}: {:?}", path, entry.error);
            let st = entry.stat.as_ref().expect("stat-ed");
            let rec = &serial[path];
            prop_assert_eq!(
                (st.mode, st.uid, st.gid, st.size, st.blocks, st.ino, st.dev, st.nlink, st.rdev),
                (rec.mode, rec.uid, rec.gid, rec.size, rec.blocks, rec.ino, rec.dev, rec.nlink, rec.rdev),
                "metadata of {:?}", path
            );
            prop_assert_eq!((st.mtime.sec, i64::from(st.mtime.nsec)), (rec.mtime, rec.mtime_nsec));
        }
    }
}

// --- the sanitizer ----------------------------------------------------------

/// Characters that must never reach a terminal as themselves, listed here
/// independently of `src/sanitize.rs`: controls (C0, DEL, C1), bidi
/// controls, line and paragraph separators, Unicode's default-ignorable
/// (invisible) code points with the variation selectors, format characters,
/// private use, noncharacters and the spaces other than U+0020 (issue 14 §3).
fn forbidden(ch: char) -> bool {
    let code = ch as u32;
    ch.is_control()
        || (ch.is_whitespace() && ch != ' ')
        || (0xfdd0..=0xfdef).contains(&code)
        || code & 0xfffe == 0xfffe
        || matches!(
            code,
            0x00a0
                | 0x00ad
                | 0x034f
                | 0x0600..=0x0605
                | 0x061c
                | 0x06dd
                | 0x070f
                | 0x0890..=0x0891
                | 0x08e2
                | 0x115f..=0x1160
                | 0x17b4..=0x17b5
                | 0x180b..=0x180d
                | 0x180e..=0x180f
                | 0x2000..=0x200f
                | 0x2028..=0x202f
                | 0x205f..=0x206f
                | 0x3000
                | 0x3164
                | 0xe000..=0xf8ff
                | 0xfe00..=0xfe0f
                | 0xfeff
                | 0xffa0
                | 0xfff0..=0xfffb
                | 0x110bd
                | 0x110cd
                | 0x13430..=0x1343f
                | 0x1bca0..=0x1bca3
                | 0x1d173..=0x1d17a
                | 0xe0000..=0xe0fff
                | 0xf0000..=0x10ffff
        )
}

/// A combining mark, by a few ranges of them (enough for the generator below).
fn combining_mark(ch: char) -> bool {
    matches!(ch as u32, 0x0300..=0x036f | 0x0903 | 0x20dd..=0x20e0 | 0x1ab0..=0x1abd)
}

/// Every forbidden range above, plus neighbours and escape look-alikes.
const AWKWARD: &[(u32, u32)] = &[
    (0x00, 0x20),
    (0x5c, 0x5c),
    (0x7f, 0xa0),
    (0xad, 0xad),
    (0x034f, 0x034f),
    (0x061c, 0x061c),
    (0x115f, 0x1160),
    (0x17b4, 0x17b5),
    (0x180b, 0x180f),
    (0x200b, 0x206f),
    (0x3164, 0x3164),
    (0xfe00, 0xfe0f),
    (0xfeff, 0xfeff),
    (0xffa0, 0xffa0),
    (0xfff0, 0xfffd),
    (0x1bca0, 0x1bca3),
    (0x1d173, 0x1d17a),
    (0xe0000, 0xe0fff),
    // Issue 14 §3: names that still looked the same.
    (0x0300, 0x036f),
    (0x0903, 0x0903),
    (0x20dd, 0x20e0),
    (0x0600, 0x0605),
    (0x06dd, 0x06dd),
    (0x070f, 0x070f),
    (0x0890, 0x0891),
    (0x08e2, 0x08e2),
    (0x110bd, 0x110bd),
    (0x110cd, 0x110cd),
    (0x13430, 0x1343f),
    (0xfdd0, 0xfdef),
    (0xfffe, 0xffff),
    (0x1fffe, 0x1ffff),
    (0x10fffe, 0x10ffff),
    (0xe000, 0xe002),
    (0xf8ff, 0xf8ff),
    (0xf0000, 0xf0001),
    (0x00a0, 0x00a0),
    (0x2000, 0x200a),
    (0x202f, 0x202f),
    (0x205f, 0x205f),
    (0x3000, 0x3000),
    (0xe0100, 0xe01ef),
];

fn awkward_char() -> impl Strategy<Value = char> {
    (0..AWKWARD.len()).prop_flat_map(|i| {
        let (lo, hi) = AWKWARD[i];
        (lo..=hi).prop_filter_map("a scalar value", char::from_u32)
    })
}

/// Byte strings built from pieces: raw bytes (often invalid UTF-8), any
/// character, awkward characters, and the literal text of escapes.
fn raw_name() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        any::<u8>().prop_map(|b| vec![b]),
        any::<char>().prop_map(|c| c.to_string().into_bytes()),
        awkward_char().prop_map(|c| c.to_string().into_bytes()),
        prop_oneof![
            Just(&b"\\"[..]),
            Just(&b"\\x1b"[..]),
            Just(&b"\\xff"[..]),
            Just(&b"\\n"[..]),
            Just(&b"\\u{202e}"[..]),
            Just(&b"x"[..]),
        ]
        .prop_map(<[u8]>::to_vec),
    ];
    vec(piece, 0..12).prop_map(|pieces| pieces.concat())
}

/// Inverts the sanitizer's escapes; panics on text it cannot have written.
fn unescape(shown: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let mut chars = shown.chars();
    while let Some(ch) = chars.next() {
        if ch != '\\' {
            out.extend_from_slice(ch.to_string().as_bytes());
            continue;
        }
        match chars.next() {
            Some('\\') => out.push(b'\\'),
            Some('t') => out.push(b'\t'),
            Some('n') => out.push(b'\n'),
            Some('r') => out.push(b'\r'),
            Some('x') => {
                let hex: String = chars.by_ref().take(2).collect();
                out.push(u8::from_str_radix(&hex, 16).expect("two hex digits after \\x"));
            }
            Some('u') => {
                assert_eq!(chars.next(), Some('{'), "\\u{{ in {shown:?}");
                let hex: String = chars.by_ref().take_while(|&c| c != '}').collect();
                let code = u32::from_str_radix(&hex, 16).expect("hex after \\u{");
                let ch = char::from_u32(code).expect("a scalar value");
                out.extend_from_slice(ch.to_string().as_bytes());
            }
            other => panic!("unknown escape \\{other:?} in {shown:?}"),
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn sanitized_names_hold_no_control_bidi_or_invisible_character(raw in raw_name()) {
        let shown = statree::sanitize::bytes(&raw);
        let bad: Vec<char> = shown.chars().filter(|&c| forbidden(c)).collect();
        prop_assert!(bad.is_empty(), "{:?} shows {:?}, keeping {:?}", raw, shown, bad);
        // A combining mark never starts the name or a component
        // (it would draw on the cell before the name, or on the `/`).
        let mut base = None;
        for c in shown.chars() {
            prop_assert!(
                !(combining_mark(c) && matches!(base, None | Some('/'))),
                "{:?} shows {:?}, with a mark on {:?}", raw, shown, base
            );
            base = Some(c);
        }
    }

    #[test]
    fn the_sanitizer_can_be_inverted_so_it_is_injective(raw in raw_name()) {
        let shown = statree::sanitize::bytes(&raw);
        prop_assert_eq!(unescape(&shown), raw);
    }

    #[test]
    fn distinct_names_show_differently(a in raw_name(), b in raw_name(), cut in any::<prop::sample::Index>()) {
        // A random pair, and a near pair: a prefix of `a` followed by the
        // sanitized text of the rest (escapes spelled out literally).
        let at = cut.index(a.len() + 1);
        let spelled = [&a[..at], statree::sanitize::bytes(&a[at..]).as_bytes()].concat();
        for other in [b, spelled] {
            if other != a {
                prop_assert_ne!(statree::sanitize::bytes(&a), statree::sanitize::bytes(&other));
            }
        }
    }

    #[test]
    fn json_paths_round_trip(raw in raw_name()) {
        let mut out = Vec::new();
        statree::output::pathcodec::encode(&raw, &mut out);
        let value: serde_json::Value = serde_json::from_slice(&out).expect("valid JSON");
        prop_assert_eq!(statree::output::pathcodec::decode(&value), Some(raw));
    }
}
