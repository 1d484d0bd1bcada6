//! Tests of path splitting, name validation and the component walk.

use super::*;

#[test]
fn components_are_validated() {
    assert!(validate_component(b"ok name").is_ok());
    assert!(validate_component(&[b'x'; 255]).is_ok());
    for bad in [&b""[..], b".", b"..", b"a\0b", b"a/b", &[b'x'; 256]] {
        assert!(validate_component(bad).is_err(), "{bad:?}");
    }
    assert!(validate_component(&[b'x'; 256]).unwrap_err().contains("256"));
}

#[test]
fn relative_paths_split_and_keep_the_trailing_slash() {
    let rel = Relative::parse(b"a/b/c/").unwrap();
    assert!(rel.trailing_slash);
    assert_eq!(rel.components.len(), 3);
    let rel = Relative::parse(b"f").unwrap();
    assert!(!rel.trailing_slash);
    assert_eq!(rel.under(Path::new("/x")), Path::new("/x/f"));
    for bad in [&b""[..], b"/abs", b"a//b", b"a/./b", b"../x", b"a/..", b"/", b"a\0"] {
        assert!(Relative::parse(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn a_failed_walk_takes_back_only_what_it_created() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("had")).unwrap();
    let mut chain = Chain::open_base(tmp.path(), Op::Create).unwrap();
    for name in [c"had", c"new1", c"new2"] {
        chain.descend(name, true, Op::Create).unwrap();
    }
    assert_eq!(chain.path(), tmp.path().join("had/new1/new2"));
    assert_eq!(
        chain.created_paths(),
        vec![tmp.path().join("had/new1"), tmp.path().join("had/new1/new2")]
    );
    chain.rollback();
    assert!(tmp.path().join("had").is_dir());
    assert!(!tmp.path().join("had/new1").exists());

    // Something put into a created level in between keeps it.
    let mut chain = Chain::open_base(tmp.path(), Op::Create).unwrap();
    chain.descend(c"new", true, Op::Create).unwrap();
    std::fs::write(tmp.path().join("new/theirs"), b"").unwrap();
    chain.rollback();
    assert!(tmp.path().join("new/theirs").exists());
}

#[test]
fn located_splits_without_normalizing() {
    let l = Located::new(Path::new("/a/b/"), Op::Remove).unwrap();
    assert_eq!(l.parent, Path::new("/a"));
    assert_eq!(l.name.as_bytes(), b"b");
    let l = Located::new(Path::new("name"), Op::Remove).unwrap();
    assert_eq!(l.parent, Path::new("."));
    let l = Located::new(Path::new("/top"), Op::Remove).unwrap();
    assert_eq!(l.parent, Path::new("/"));
    for bad in ["/", "a/.", "a/..", ".", "..", ""] {
        assert!(Located::new(Path::new(bad), Op::Remove).is_err(), "{bad}");
    }
}
