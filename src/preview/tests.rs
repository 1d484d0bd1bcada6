//! The preview against real files, FIFOs, links, devices and unreadable
//! ones: what is read, what is refused, and that nothing blocks.

use std::os::unix::fs::symlink;
use std::sync::mpsc;
use std::time::Duration;

use super::*;

/// Runs `f` on a thread and fails if it does not finish promptly: a
/// preview that blocks would otherwise hang the test run.
fn promptly<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(5)).expect("read_preview blocked")
}

#[test]
fn text_files_are_text() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.txt");
    std::fs::write(&path, "héllo\n\tworld\x1b[31m\n").unwrap();
    assert_eq!(
        read_preview(&path, 1024).unwrap(),
        Preview::Text { text: "héllo\n\tworld\x1b[31m\n".to_owned(), truncated: false }
    );
    // Exactly at the cap: complete, not truncated.
    assert_eq!(
        read_preview(&path, 20).unwrap(),
        Preview::Text { text: "héllo\n\tworld\x1b[31m\n".to_owned(), truncated: false }
    );
}

#[test]
fn binary_files_are_binary() {
    let dir = tempfile::tempdir().unwrap();
    let nul = dir.path().join("nul");
    std::fs::write(&nul, b"ELF\0\x01\x02").unwrap();
    assert_eq!(
        read_preview(&nul, 1024).unwrap(),
        Preview::Binary { bytes: b"ELF\0\x01\x02".to_vec(), truncated: false }
    );
    let latin1 = dir.path().join("latin1");
    std::fs::write(&latin1, b"caf\xe9 au lait").unwrap();
    assert!(matches!(read_preview(&latin1, 1024).unwrap(), Preview::Binary { .. }));
    // A character cut by the end of the file (not by the cap) is binary.
    let cut = dir.path().join("cut");
    std::fs::write(&cut, b"ab\xc3").unwrap();
    assert!(matches!(read_preview(&cut, 1024).unwrap(), Preview::Binary { .. }));
}

#[test]
fn empty_files_are_empty() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty");
    std::fs::write(&path, b"").unwrap();
    assert_eq!(read_preview(&path, 1024).unwrap(), Preview::Empty);
}

#[test]
fn large_files_stop_at_the_cap() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big");
    let content = "0123456789".repeat(100_000);
    std::fs::write(&path, &content).unwrap();
    assert_eq!(
        read_preview(&path, 4096).unwrap(),
        Preview::Text { text: content[..4096].to_owned(), truncated: true }
    );
    let mut bin = vec![0u8; 10_000];
    bin[5000] = 7;
    let bin_path = dir.path().join("bin");
    std::fs::write(&bin_path, &bin).unwrap();
    assert_eq!(
        read_preview(&bin_path, 100).unwrap(),
        Preview::Binary { bytes: vec![0; 100], truncated: true }
    );
    // A zero cap reads nothing but still knows the file has content.
    assert_eq!(
        read_preview(&path, 0).unwrap(),
        Preview::Text { text: String::new(), truncated: true }
    );
}

#[test]
fn files_that_claim_size_zero_are_still_read() {
    // procfs reports st_size 0 for files with content: the buffer must
    // grow past the size hint.
    let path = Path::new("/proc/self/status");
    if path.exists() {
        match read_preview(path, 1 << 20).unwrap() {
            Preview::Text { text, truncated: false } => {
                assert!(text.contains("Name:"), "{text}")
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn a_character_cut_by_the_cap_is_dropped_not_binary() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("utf8");
    // "aé€" = 61 | c3 a9 | e2 82 ac
    std::fs::write(&path, "aé€ and more").unwrap();
    for (cap, text) in [(1, "a"), (2, "a"), (3, "aé"), (4, "aé"), (5, "aé"), (6, "aé€")] {
        assert_eq!(
            read_preview(&path, cap).unwrap(),
            Preview::Text { text: text.to_owned(), truncated: true },
            "cap {cap}"
        );
    }
}

#[test]
fn a_fifo_is_never_opened() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pipe");
    rustix::fs::mknodat(CWD, &path, rustix::fs::FileType::Fifo, Mode::from_raw_mode(0o644), 0)
        .unwrap();
    // Opening a FIFO for reading with no writer would block forever.
    let found = promptly(move || read_preview(&path, 1024).unwrap());
    match found {
        Preview::NotRead { kind: FileKind::Fifo, why } => {
            assert!(why.contains("FIFO") && why.contains("not opened"), "{why}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn symlinks_are_described_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("target.txt");
    std::fs::write(&target, "secret").unwrap();
    let link = dir.path().join("link");
    symlink("target.txt", &link).unwrap();
    assert_eq!(
        read_preview(&link, 1024).unwrap(),
        Preview::NotRead {
            kind: FileKind::Symlink, why: "symbolic link → target.txt".to_owned()
        }
    );
    // A dangling one too.
    let dangling = dir.path().join("dangling");
    symlink("/nonexistent/x", &dangling).unwrap();
    assert!(matches!(
        read_preview(&dangling, 1024).unwrap(),
        Preview::NotRead { kind: FileKind::Symlink, .. }
    ));
    // A link to a FIFO is not opened either.
    let pipe = dir.path().join("pipe");
    rustix::fs::mknodat(CWD, &pipe, rustix::fs::FileType::Fifo, Mode::from_raw_mode(0o644), 0)
        .unwrap();
    let to_pipe = dir.path().join("to_pipe");
    symlink(&pipe, &to_pipe).unwrap();
    let found = promptly(move || read_preview(&to_pipe, 1024).unwrap());
    assert!(matches!(found, Preview::NotRead { kind: FileKind::Symlink, .. }), "{found:?}");
}

#[test]
fn devices_and_directories_are_not_read() {
    let found = promptly(|| read_preview(Path::new("/dev/null"), 1024).unwrap());
    assert!(matches!(found, Preview::NotRead { kind: FileKind::Char, .. }), "{found:?}");
    if Path::new("/dev/zero").exists() {
        // Reading would never end.
        let found = promptly(|| read_preview(Path::new("/dev/zero"), 1024).unwrap());
        assert!(matches!(found, Preview::NotRead { kind: FileKind::Char, .. }), "{found:?}");
    }
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        read_preview(dir.path(), 1024).unwrap(),
        Preview::NotRead { kind: FileKind::Dir, why: "directory".to_owned() }
    );
}

#[test]
fn a_missing_path_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let err = read_preview(&dir.path().join("gone"), 1024).unwrap_err();
    assert_eq!(err.op, Op::Stat);
    assert!(err.to_string().contains("gone"), "{err}");
}

#[test]
fn an_unreadable_file_says_why() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("locked");
    std::fs::write(&path, "x").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    // Root reads it anyway; only check the refusal when it is refused.
    if std::fs::File::open(&path).is_err() {
        match read_preview(&path, 1024).unwrap() {
            Preview::NotRead { kind: FileKind::File, why } => {
                assert!(why.contains("ermission denied"), "{why}");
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn hex_dump_matches_the_classic_layout() {
    assert_eq!(
        hex_dump_lines(b"Hello\n", 16),
        ["00000000  48 65 6c 6c 6f 0a                                |Hello.|"]
    );
    let bytes: Vec<u8> = (0u8..20).chain(*b"~\x7f\xff").collect();
    let lines = hex_dump_lines(&bytes, 8);
    assert_eq!(
        lines,
        [
            "00000000  00 01 02 03 04 05 06 07  |........|",
            "00000008  08 09 0a 0b 0c 0d 0e 0f  |........|",
            "00000010  10 11 12 13 7e 7f ff     |....~..|",
        ]
    );
    let sixteen = hex_dump_lines(&[b'A'; 17], 16);
    assert_eq!(sixteen[0], format!("00000000  {}  |{}|", ["41"; 16].join(" "), "A".repeat(16)));
    assert!(sixteen[1].starts_with("00000010  41 "));
    // Every line of a full dump has the same width, so the text column aligns.
    let lines = hex_dump_lines(&[0; 33], 16);
    assert!(lines.iter().all(|l| l.find('|') == Some(10 + 16 * 3 + 1)), "{lines:?}");
    assert_eq!(lines[0].len(), 77, "fits the pane's 78-column threshold");
    assert!(hex_dump_lines(b"", 16).is_empty());
    assert_eq!(hex_dump_lines(b"a", 0), hex_dump_lines(b"a", 16));
}
