use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::*;
use ratatui::crossterm::event::{KeyCode, KeyEvent};

use crate::audit::{Finding, caps};
use crate::error::{Op, ScanError};
use crate::keymap::{Action, KeyMap};
use crate::model::{FileKind, NodeId};
use crate::scan::{AuditDetail, Batch, Detail, EntryKey, EntryStat, Parent, ScanEvent};
use crate::view::msg::{Effect, Msg};
use crate::view::update::{on_action, update};
use crate::view::{Mode, State, ViewOptions};

const FILE: u32 = 0o100_000;
const DIR: u32 = 0o040_000;
const LINK: u32 = 0o120_000;

fn state() -> State {
    State::new(KeyMap::default(), ViewOptions::default(), Instant::now())
}

fn stat(mode: u32, uid: u32) -> Option<EntryStat> {
    Some(EntryStat { mode, uid, gid: uid, nlink: 1, ..EntryStat::default() })
}

fn key(batch: u32, index: u32) -> EntryKey {
    EntryKey { batch, index }
}

/// A batch of `(name, mode, uid)` entries; directories descend.
fn batch(id: u32, parent: Parent, dir: &str, entries: &[(&str, u32, u32)]) -> Batch {
    let n = entries.len() as u32;
    let mut b = Batch::new(id, parent, Arc::from(Path::new(dir)), 0, n);
    for &(name, mode, uid) in entries {
        let kind = FileKind::from_mode(mode);
        b.push(name.as_bytes(), stat(mode, uid), kind, None, kind == FileKind::Dir, false, None);
    }
    b
}

fn scan(state: &mut State, event: ScanEvent) -> Vec<Effect> {
    let effects = update(state, Msg::Scan(event));
    state.refresh_rows();
    effects
}

/// r/ { more/ (listing still to come), sub/ { ww (0666, uid 4242) },
/// suid (4755 root), plain, odd (uid 4242) }
fn scanned(state: &mut State) -> Vec<Effect> {
    let mut effects = Vec::new();
    effects.extend(scan(
        state,
        ScanEvent::Batch(batch(0, Parent::Root(0), "", &[("r", DIR | 0o755, 0)])),
    ));
    let top = [
        ("more", DIR | 0o755, 0),
        ("sub", DIR | 0o755, 0),
        ("suid", FILE | 0o4755, 0),
        ("plain", FILE | 0o644, 0),
        ("odd", FILE | 0o644, 4242),
    ];
    effects.extend(scan(state, ScanEvent::Batch(batch(1, Parent::Dir(key(0, 0)), "r", &top))));
    let sub = [("ww", FILE | 0o666, 4242)];
    effects.extend(scan(state, ScanEvent::Batch(batch(2, Parent::Dir(key(1, 1)), "r/sub", &sub))));
    effects
}

fn node(state: &State, path: &str) -> NodeId {
    let mut id = state.tree.roots().next().unwrap();
    for part in path.split('/').filter(|p| !p.is_empty()) {
        id = state.tree.find_child(id, part.as_bytes()).unwrap();
    }
    id
}

fn row_names(state: &State) -> Vec<String> {
    let tree = &state.tree;
    state.rows.rows().iter().map(|r| String::from_utf8_lossy(tree.name(r.id)).into()).collect()
}

#[test]
fn stat_findings_are_counted_as_batches_arrive() {
    let mut s = state();
    scanned(&mut s);
    let audit = &s.audit;
    assert_eq!(audit.count(Finding::SetuidRoot), 1);
    assert_eq!(audit.count(Finding::Setuid), 1);
    assert_eq!(audit.count(Finding::WorldWritable), 1);
    assert_eq!(audit.count(Finding::Capabilities), 0);
    assert_eq!(audit.findings(node(&s, "suid")).ids(), ["setuid-root", "setuid"]);
    assert!(audit.findings(node(&s, "plain")).is_empty());
    assert_eq!(audit.with_findings(), 2);
}

#[test]
fn orphans_are_found_from_names_looked_up_once_per_id() {
    let mut s = state();
    let effects = scanned(&mut s);
    let asked: Vec<_> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::ResolveOwner { uid, gid } => Some((*uid, *gid)),
            _ => None,
        })
        .collect();
    assert_eq!(asked, [(0, 0), (4242, 4242)], "each distinct id is asked for once");
    assert_eq!(s.audit.count(Finding::OrphanOwner), 0, "not known before the answer");
    let answer = |uid, user: Option<&str>| Msg::OwnerResolved {
        uid,
        user: user.map(str::to_owned),
        gid: uid,
        group: user.map(str::to_owned),
    };
    update(&mut s, answer(0, Some("root")));
    update(&mut s, answer(4242, None));
    assert_eq!(s.audit.count(Finding::OrphanOwner), 2);
    assert!(s.audit.findings(node(&s, "odd")).contains(Finding::OrphanOwner));
    assert!(s.audit.findings(node(&s, "sub/ww")).contains(Finding::OrphanOwner));
    // The same answer again (the metadata pane asks too) counts nothing twice.
    update(&mut s, answer(4242, None));
    assert_eq!(s.audit.count(Finding::OrphanOwner), 2);
    // A later entry of a known orphan id is marked at once, without asking.
    let late = batch(3, Parent::Dir(key(1, 0)), "r/more", &[("late", FILE | 0o644, 4242)]);
    let effects = scan(&mut s, ScanEvent::Batch(late));
    assert!(effects.iter().all(|e| !matches!(e, Effect::ResolveOwner { .. })), "{effects:?}");
    assert_eq!(s.audit.count(Finding::OrphanOwner), 3);
}

#[test]
fn unreadable_directories_are_findings() {
    let mut s = state();
    scanned(&mut s);
    let error = ScanError { op: Op::ReadDir, errno: Some(13), reason: "denied".into() };
    scan(&mut s, ScanEvent::DirError { dir: key(1, 1), path: "r/sub".into(), error });
    assert_eq!(s.audit.findings(node(&s, "sub")).ids(), ["unreadable"]);
    assert_eq!(s.audit.count(Finding::Unreadable), 1);
}

#[test]
fn a_filter_shows_matches_with_their_directories_and_grows_live() {
    let mut s = state();
    scanned(&mut s);
    set_filter(&mut s, AuditFilter::Finding(Finding::WorldWritable));
    assert_eq!(row_names(&s), ["r", "sub", "ww"]);
    assert_eq!(s.selected_node(), Some(node(&s, "sub/ww")), "the first match is selected");
    // A new match while the filter is on joins the rows.
    let open = batch(3, Parent::Dir(key(1, 0)), "r/more", &[("open", FILE | 0o646, 0)]);
    scan(&mut s, ScanEvent::Batch(open));
    s.rebuild_rows();
    assert_eq!(row_names(&s), ["r", "more", "open", "sub", "ww"]);
    // n and N go round the matches, wrapping.
    assert!(search_key(&mut s, true).is_some());
    assert_eq!(s.selected_node(), Some(node(&s, "more/open")));
    search_key(&mut s, true);
    assert_eq!(s.selected_node(), Some(node(&s, "sub/ww")));
    search_key(&mut s, false);
    assert_eq!(s.selected_node(), Some(node(&s, "more/open")));
    clear_filter(&mut s);
    assert_eq!(s.audit.filter(), None);
    assert_eq!(row_names(&s), ["r", "more", "open", "sub", "odd", "plain", "suid"]);
    assert_eq!(s.selected_node(), Some(node(&s, "more/open")), "the selection stays");
    assert!(search_key(&mut s, true).is_none(), "n is the name search again");
}

#[test]
fn the_audit_pass_waits_for_the_scan_then_starts_once() {
    let mut s = state();
    scanned(&mut s);
    let effects = on_action(&mut s, Action::Audit);
    assert!(matches!(s.mode, Mode::Audit { selected: 0 }));
    assert!(effects.is_empty(), "not while the main scan runs: {effects:?}");
    assert_eq!(s.audit.pass(), PassState::Waiting);
    let effects = scan(&mut s, ScanEvent::Finished { elapsed: Duration::ZERO });
    let starts: Vec<_> =
        effects.iter().filter(|e| matches!(e, Effect::StartAuditPass { .. })).collect();
    assert_eq!(starts.len(), 1, "{effects:?}");
    assert_eq!(s.audit.pass(), PassState::Running);
    s.mode = Mode::Normal;
    assert!(on_action(&mut s, Action::Audit).is_empty(), "only once");
}

#[test]
fn the_audit_pass_is_matched_to_nodes_by_name() {
    let mut s = state();
    scan(&mut s, ScanEvent::Batch(batch(0, Parent::Root(0), "", &[("r", DIR | 0o755, 0)])));
    // A directory large enough to be searched through a sorted list.
    let mut names: Vec<String> = (0..40).map(|i| format!("f{i:02}")).collect();
    names.push("link".into());
    let mut entries: Vec<(&str, u32, u32)> =
        names.iter().map(|n| (n.as_str(), FILE | 0o755, 0)).collect();
    entries.last_mut().unwrap().1 = LINK | 0o777;
    scan(&mut s, ScanEvent::Batch(batch(1, Parent::Dir(key(0, 0)), "r", &entries)));
    scan(&mut s, ScanEvent::Finished { elapsed: Duration::ZERO });
    assert_eq!(on_action(&mut s, Action::Audit).len(), 1);

    // The pass numbers its batches its own way and lists in another order.
    update(
        &mut s,
        Msg::AuditPass(ScanEvent::Batch(batch(7, Parent::Root(0), "", &[("r", DIR | 0o755, 0)]))),
    );
    let mut b = Batch::new(9, Parent::Dir(key(7, 0)), Arc::from(Path::new("r")), 0, 41);
    let cap = caps::encode(true, 1 << 13, 0, None);
    let detail = |audit: AuditDetail| Some(Box::new(Detail { audit, ..Detail::default() }));
    b.push(
        b"link",
        stat(LINK | 0o777, 0),
        FileKind::Symlink,
        None,
        false,
        false,
        detail(AuditDetail {
            dangling: Some(true),
            outside_root: Some(false),
            ..Default::default()
        }),
    );
    b.push(
        b"f33",
        stat(FILE | 0o755, 0),
        FileKind::File,
        None,
        false,
        false,
        detail(AuditDetail { capability: Some(cap), acl: true, ..Default::default() }),
    );
    b.push(b"gone", stat(FILE | 0o755, 0), FileKind::File, None, false, false, None);
    update(&mut s, Msg::AuditPass(ScanEvent::Batch(b)));
    assert_eq!(s.audit.findings(node(&s, "link")).ids(), ["dangling-symlink"]);
    assert_eq!(s.audit.findings(node(&s, "f33")).ids(), ["capabilities", "acl"]);
    assert_eq!(s.audit.capabilities(node(&s, "f33")), Some("cap_net_raw+ep"));
    update(&mut s, Msg::AuditPass(ScanEvent::Finished { elapsed: Duration::ZERO }));
    assert_eq!(s.audit.pass(), PassState::Done);
    assert_eq!(s.audit.count(Finding::Capabilities), 1);
    assert_eq!(s.audit.count(Finding::DanglingSymlink), 1);
}

#[test]
fn the_panel_moves_picks_and_closes() {
    let mut s = state();
    scanned(&mut s);
    on_action(&mut s, Action::Audit);
    let press = |s: &mut State, code| on_panel_key(s, KeyEvent::from(code));
    press(&mut s, KeyCode::End);
    let last = s.audit.panel_entries().len() - 1;
    assert!(matches!(s.mode, Mode::Audit { selected } if selected == last));
    press(&mut s, KeyCode::Down);
    assert!(matches!(s.mode, Mode::Audit { selected } if selected == last), "clamped");
    press(&mut s, KeyCode::Home);
    press(&mut s, KeyCode::Enter);
    assert!(matches!(s.mode, Mode::Normal));
    assert_eq!(s.audit.filter(), Some(AuditFilter::Finding(Finding::SetuidRoot)));
    assert_eq!(row_names(&s), ["r", "suid"]);
    assert_eq!(s.selected_node(), Some(node(&s, "suid")));
    // Reopened, the panel starts on the active filter; "all entries" clears it.
    on_action(&mut s, Action::Audit);
    assert!(matches!(s.mode, Mode::Audit { selected: 0 }));
    press(&mut s, KeyCode::End);
    press(&mut s, KeyCode::Enter);
    assert_eq!(s.audit.filter(), None);
    on_action(&mut s, Action::Audit);
    press(&mut s, KeyCode::Esc);
    assert!(matches!(s.mode, Mode::Normal));
}
