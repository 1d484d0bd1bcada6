//! Each finding against the `find` expression it mirrors, and the sets.

use super::*;

fn with_mode(kind: FileKind, perm: u32) -> AuditFacts<'static> {
    AuditFacts {
        stat: Some(StatFacts { mode: kind.mode_bits() | perm, uid: 1000, gid: 1000, nlink: 1 }),
        user_named: Some(true),
        group_named: Some(true),
        ..AuditFacts::new(kind)
    }
}

fn findings(facts: &AuditFacts<'_>) -> Vec<&'static str> {
    facts.evaluate(FindingSet::all()).ids()
}

#[test]
fn ids_round_trip_and_are_unique() {
    for finding in Finding::ALL {
        assert_eq!(Finding::from_id(finding.id()), Some(finding));
        assert!(!finding.explanation().is_empty());
    }
    assert_eq!(FindingSet::all().len(), Finding::ALL.len());
    assert_eq!(Finding::from_id("nope"), None);
    assert!(valid_ids().contains("writable-by-group-or-other-executable"));
}

#[test]
fn report_order_is_by_severity() {
    let severities: Vec<Severity> = Finding::ALL.iter().map(|f| f.severity()).collect();
    let mut sorted = severities.clone();
    sorted.sort();
    assert_eq!(severities, sorted);
    let mut ordered = Finding::ALL;
    ordered.sort();
    assert_eq!(ordered, Finding::ALL);
}

#[test]
fn sets_iterate_in_report_order() {
    let set: FindingSet =
        [Finding::Unreadable, Finding::Setuid, Finding::SetuidRoot].into_iter().collect();
    assert_eq!(set.ids(), ["setuid-root", "setuid", "unreadable"]);
    assert_eq!(set.len(), 3);
    assert!(set.contains(Finding::Setuid) && !set.contains(Finding::Setgid));
    let other: FindingSet = [Finding::Setuid, Finding::Acl].into_iter().collect();
    assert_eq!(set.intersect(other).ids(), ["setuid"]);
    assert_eq!(set.union(other).len(), 4);
    assert!(FindingSet::EMPTY.is_empty());
    assert!(other.needs_xattrs() && !other.needs_links() && !other.needs_names());
}

#[test]
fn setuid_and_setgid_only_on_regular_files() {
    assert_eq!(findings(&with_mode(FileKind::File, 0o4755)), ["setuid"]);
    assert_eq!(findings(&with_mode(FileKind::File, 0o4644)), ["setuid"]);
    assert_eq!(findings(&with_mode(FileKind::File, 0o2755)), ["setgid"]);
    assert_eq!(findings(&with_mode(FileKind::File, 0o6755)), ["setuid", "setgid"]);
    // A setgid directory (group inheritance) is not a finding.
    assert!(findings(&with_mode(FileKind::Dir, 0o2775)).is_empty());
    assert!(findings(&with_mode(FileKind::Dir, 0o4755)).is_empty());
    assert!(findings(&with_mode(FileKind::File, 0o755)).is_empty());
}

#[test]
fn setuid_root_needs_uid_zero() {
    let mut facts = with_mode(FileKind::File, 0o4755);
    assert!(!is_setuid_root(&facts));
    facts.stat.as_mut().unwrap().uid = 0;
    assert_eq!(findings(&facts), ["setuid-root", "setuid"]);
    // gid 0 alone is not enough.
    let mut facts = with_mode(FileKind::File, 0o4755);
    facts.stat.as_mut().unwrap().gid = 0;
    assert!(!is_setuid_root(&facts));
    // Root-owned but not setuid.
    let mut facts = with_mode(FileKind::File, 0o755);
    facts.stat.as_mut().unwrap().uid = 0;
    assert!(!is_setuid_root(&facts));
}

#[test]
fn hardlinked_setuid_needs_more_than_one_link() {
    let mut facts = with_mode(FileKind::File, 0o4755);
    assert!(!is_hardlinked_setuid(&facts));
    facts.stat.as_mut().unwrap().nlink = 2;
    assert_eq!(findings(&facts), ["hardlinked-setuid", "setuid"]);
    let mut plain = with_mode(FileKind::File, 0o755);
    plain.stat.as_mut().unwrap().nlink = 5;
    assert!(!is_hardlinked_setuid(&plain));
}

#[test]
fn world_writable_is_any_type_but_symlinks() {
    assert_eq!(findings(&with_mode(FileKind::File, 0o666)), ["world-writable"]);
    assert_eq!(findings(&with_mode(FileKind::Char, 0o666)), ["world-writable"]);
    assert_eq!(findings(&with_mode(FileKind::Fifo, 0o602)), ["world-writable"]);
    assert!(findings(&with_mode(FileKind::Symlink, 0o777)).is_empty());
    assert!(findings(&with_mode(FileKind::File, 0o664)).is_empty());
}

#[test]
fn world_writable_dirs_without_sticky() {
    assert_eq!(
        findings(&with_mode(FileKind::Dir, 0o777)),
        ["world-writable-dir-no-sticky", "world-writable"]
    );
    assert_eq!(findings(&with_mode(FileKind::Dir, 0o1777)), ["world-writable"]);
    assert!(findings(&with_mode(FileKind::Dir, 0o1775)).is_empty());
    assert!(!is_world_writable_dir_no_sticky(&with_mode(FileKind::File, 0o666)));
}

#[test]
fn writable_executables() {
    let id = "writable-by-group-or-other-executable";
    assert_eq!(findings(&with_mode(FileKind::File, 0o775)), [id]);
    assert_eq!(findings(&with_mode(FileKind::File, 0o701 | 0o020)), [id]);
    assert_eq!(findings(&with_mode(FileKind::File, 0o757)), [id, "world-writable"]);
    // Not executable at all, or writable by the owner only.
    assert!(findings(&with_mode(FileKind::File, 0o664)).is_empty());
    assert!(findings(&with_mode(FileKind::File, 0o755)).is_empty());
    // Directories are not executables.
    assert!(!is_writable_executable(&with_mode(FileKind::Dir, 0o775)));
}

#[test]
fn orphans_need_a_missing_name() {
    let mut facts = with_mode(FileKind::File, 0o644);
    facts.user_named = Some(false);
    assert_eq!(findings(&facts), ["orphan-owner"]);
    facts.user_named = Some(true);
    facts.group_named = Some(false);
    assert_eq!(findings(&facts), ["orphan-owner"]);
    // Not looked up: no finding.
    facts.group_named = None;
    assert!(findings(&facts).is_empty());
    // Symlinks have owners too.
    let mut link = with_mode(FileKind::Symlink, 0o777);
    link.user_named = Some(false);
    assert!(is_orphan(&link));
}

#[test]
fn symlink_findings_need_a_symlink_and_a_known_answer() {
    let mut link = with_mode(FileKind::Symlink, 0o777);
    link.dangling = Some(true);
    assert_eq!(findings(&link), ["dangling-symlink"]);
    link.outside_root = Some(true);
    assert_eq!(findings(&link), ["symlink-outside-root", "dangling-symlink"]);
    link.dangling = None;
    link.outside_root = None;
    assert!(findings(&link).is_empty());
    let mut file = with_mode(FileKind::File, 0o644);
    file.dangling = Some(true);
    file.outside_root = Some(true);
    assert!(findings(&file).is_empty());
}

#[test]
fn xattr_findings() {
    let mut facts = with_mode(FileKind::File, 0o755);
    let blob = [0u8; 20];
    facts.capability = Some(&blob);
    facts.acl = true;
    assert_eq!(findings(&facts), ["capabilities", "acl"]);
}

#[test]
fn errors_are_unreadable_even_without_stat() {
    let mut facts = AuditFacts::new(FileKind::Dir);
    facts.error = true;
    assert_eq!(findings(&facts), ["unreadable"]);
    // Without a stat record no mode finding can hold.
    facts.user_named = Some(false);
    assert_eq!(findings(&facts), ["unreadable"]);
}

#[test]
fn selection_limits_the_result() {
    let mut facts = with_mode(FileKind::File, 0o4777);
    facts.stat.as_mut().unwrap().uid = 0;
    let only: FindingSet = [Finding::WorldWritable].into_iter().collect();
    assert_eq!(facts.evaluate(only).ids(), ["world-writable"]);
    assert_eq!(
        facts.evaluate(FindingSet::all()).ids(),
        ["setuid-root", "writable-by-group-or-other-executable", "setuid", "world-writable"]
    );
}
