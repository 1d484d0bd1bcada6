//! Batch renames on temp-dir fixtures: swaps and cycles through temporary
//! names, hostile names kept byte for byte, every refusal before anything is
//! renamed, the identity re-check, and the roll-back of a batch that fails
//! midway.

mod fsops_support;

use std::fs;
use std::path::Path;

use fsops_support::*;
use statree::fsops::{self, BulkItem};

fn item(dir: &Path, from: &[u8], to: &[u8]) -> BulkItem {
    BulkItem { from: from.to_vec(), to: to.to_vec(), identity: id(&at(dir, from)) }
}

fn write(dir: &Path, name: &[u8], content: &[u8]) {
    fs::write(at(dir, name), content).unwrap();
}

fn read(dir: &Path, name: &[u8]) -> Vec<u8> {
    fs::read(at(dir, name)).unwrap()
}

/// Only the names given, no temporary name left behind.
fn names(dir: &Path) -> Vec<Vec<u8>> {
    let mut all: Vec<Vec<u8>> = snapshot(dir).into_keys().collect();
    all.sort();
    all
}

#[test]
fn a_swap_goes_through_temporary_names() {
    let tmp = tmp();
    let d = tmp.path();
    write(d, b"a", b"A");
    write(d, b"b", b"B");
    let items = [item(d, b"a", b"b"), item(d, b"b", b"a")];
    let report = fsops::bulk_rename(d, &items).unwrap();
    assert_eq!(report.renamed.len(), 2);
    assert_eq!(read(d, b"a"), b"B");
    assert_eq!(read(d, b"b"), b"A");
    assert_eq!(names(d), [b"a".to_vec(), b"b".to_vec()]);
}

#[test]
fn a_three_way_cycle_and_an_unchanged_line() {
    let tmp = tmp();
    let d = tmp.path();
    for (n, c) in [(b"x", b"X"), (b"y", b"Y"), (b"z", b"Z"), (b"k", b"K")] {
        write(d, n, c);
    }
    let items =
        [item(d, b"x", b"y"), item(d, b"y", b"z"), item(d, b"z", b"x"), item(d, b"k", b"k")];
    let report = fsops::bulk_rename(d, &items).unwrap();
    assert_eq!(report.renamed.len(), 3, "the unchanged line is left alone");
    assert_eq!(read(d, b"y"), b"X");
    assert_eq!(read(d, b"z"), b"Y");
    assert_eq!(read(d, b"x"), b"Z");
    assert_eq!(read(d, b"k"), b"K");
    assert_eq!(names(d).len(), 4);
}

#[test]
fn hostile_names_are_kept_byte_for_byte() {
    let tmp = tmp();
    let d = tmp.path();
    let invalid: &[u8] = b"bad\xff\xfename";
    let newline: &[u8] = b"two\nlines";
    let backslash: &[u8] = b"back\\slash";
    write(d, invalid, b"1");
    write(d, newline, b"2");
    write(d, backslash, b"3");
    let items =
        [item(d, invalid, newline), item(d, newline, b"plain"), item(d, backslash, b"x\\xff\x01")];
    fsops::bulk_rename(d, &items).unwrap();
    assert_eq!(read(d, newline), b"1");
    assert_eq!(read(d, b"plain"), b"2");
    assert_eq!(read(d, b"x\\xff\x01"), b"3");
    assert_eq!(names(d).len(), 3);
}

/// Each refusal of a whole batch: nothing is renamed.
#[test]
fn refused_batches_rename_nothing() {
    let tmp = tmp();
    let d = tmp.path();
    write(d, b"a", b"A");
    write(d, b"b", b"B");
    write(d, b"outside", b"O");
    let before = snapshot(d);
    let cases: Vec<(Vec<BulkItem>, &str)> = vec![
        (vec![item(d, b"a", b"c"), item(d, b"b", b"c")], "new name of two entries"),
        (vec![item(d, b"a", b""), item(d, b"b", b"d")], "cannot be empty"),
        (vec![item(d, b"a", b"c"), item(d, b"b", b"x/y")], "cannot contain '/'"),
        (vec![item(d, b"a", b"c"), item(d, b"b", b"n\0ul")], "NUL"),
        (vec![item(d, b"a", b"c"), item(d, b"b", b"..")], "cannot be used as a name"),
        (vec![item(d, b"a", b"c"), item(d, b"b", b"outside")], "outside the batch"),
        (vec![item(d, b"a", b"c"), item(d, b"b", &[b'n'; 256])], "at most 255 bytes"),
    ];
    for (items, why) in cases {
        let failure = fsops::bulk_rename(d, &items).unwrap_err();
        assert!(failure.error.to_string().contains(why), "{why}: {}", failure.error);
        assert_eq!(failure.rolled_back, 0);
        assert_eq!(snapshot(d), before, "{why}: nothing may change");
    }
}

#[test]
fn a_replaced_source_refuses_the_batch() {
    let tmp = tmp();
    let d = tmp.path();
    write(d, b"a", b"A");
    write(d, b"b", b"B");
    let items = [item(d, b"a", b"c"), item(d, b"b", b"d")];
    fs::remove_file(d.join("b")).unwrap();
    write(d, b"keep", b"busy");
    write(d, b"b", b"other");
    let before = snapshot(d);
    let failure = fsops::bulk_rename(d, &items).unwrap_err();
    assert!(failure.error.to_string().contains("changed since it was shown"), "{}", failure.error);
    assert_eq!(snapshot(d), before);
}
