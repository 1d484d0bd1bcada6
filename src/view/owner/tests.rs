use std::path::PathBuf;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::model::{Identity, NodeId};

fn target() -> Target {
    Target {
        id: NodeId(1),
        path: PathBuf::from("/x/f"),
        identity: Identity { dev: 1, ino: 2, kind: FileKind::File, birth: None },
        mode: 0o100644,
        nlink: 1,
        parents: Vec::new(),
    }
}

fn editor() -> OwnerEditor {
    let mut e = OwnerEditor::new(vec![target()]);
    e.accounts = Some(Accounts {
        users: vec![("daemon".into(), 1), ("nobody".into(), 65534), ("root".into(), 0)],
        groups: vec![("adm".into(), 4), ("nogroup".into(), 65534), ("root".into(), 0)],
    });
    e
}

fn typed(e: &mut OwnerEditor, text: &str) {
    for c in text.chars() {
        e.on_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    }
}

fn key(e: &mut OwnerEditor, code: KeyCode) -> OwnerOutcome {
    e.on_key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn applied(outcome: OwnerOutcome) -> ChownRequest {
    match outcome {
        OwnerOutcome::Apply(request) => request,
        other => panic!("not applied: {other:?}"),
    }
}

#[test]
fn typing_filters_by_prefix_then_substring() {
    let mut e = editor();
    typed(&mut e, "n");
    let names: Vec<&str> = e.matches(Field::User).iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["nobody", "daemon"]);
    let mut e = editor();
    typed(&mut e, "NO");
    let names: Vec<&str> = e.matches(Field::User).iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["nobody"]);
}

#[test]
fn by_name_by_id_and_the_group_field() {
    let mut e = editor();
    typed(&mut e, "nobody");
    key(&mut e, KeyCode::Tab);
    typed(&mut e, "nogroup");
    let request = applied(key(&mut e, KeyCode::Enter));
    assert_eq!((request.uid, request.gid), (Some(65534), Some(65534)));
    assert!(!request.symlinks && request.recursive.is_none());

    let mut e = editor();
    typed(&mut e, "1234");
    let request = applied(key(&mut e, KeyCode::Enter));
    assert_eq!((request.uid, request.gid), (Some(1234), None), "a number is an id");
}

#[test]
fn the_highlighted_match_is_taken_and_unknown_names_refused() {
    let mut e = editor();
    typed(&mut e, "n");
    key(&mut e, KeyCode::Down);
    let request = applied(key(&mut e, KeyCode::Enter));
    assert_eq!(request.uid, Some(1), "second match: daemon");

    let mut e = editor();
    typed(&mut e, "zz");
    let OwnerOutcome::Invalid(why) = key(&mut e, KeyCode::Enter) else { panic!() };
    assert!(why.contains("no user named \"zz\""), "{why}");

    let mut e = editor();
    let OwnerOutcome::Invalid(why) = key(&mut e, KeyCode::Enter) else { panic!() };
    assert!(why.contains("type a user or a group"), "{why}");
}

#[test]
fn scope_and_symlink_choice() {
    let mut e = editor();
    let ctrl = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL);
    e.on_key(ctrl('r'));
    e.on_key(ctrl('r'));
    e.on_key(ctrl('l'));
    typed(&mut e, "root");
    let request = applied(key(&mut e, KeyCode::Enter));
    assert_eq!(request.recursive, Some(Scope::DirsOnly));
    assert!(request.symlinks);
    assert_eq!(key(&mut e, KeyCode::Esc), OwnerOutcome::Cancel);
}
