//! The audit pass: a second scan, started when the panel first opens, that
//! gathers the facts a plain scan does not (xattrs for capabilities and
//! ACLs, symlink targets), matched to the tree's nodes by name.

use std::collections::HashMap;

use super::judge::add_findings;
use super::table::{PassDir, PassState, pass_findings};
use crate::audit::{self, caps};
use crate::model::{NodeId, Tree};
use crate::scan::{Batch, Parent, ScanEvent};
use crate::view::msg::Effect;
use crate::view::state::State;

/// Asks for the audit pass (once): now when the main scan has finished, else
/// when it does.
pub fn request_pass(state: &mut State) -> Vec<Effect> {
    match state.audit.pass {
        PassState::NotStarted if state.scanning() => {
            state.audit.pass = PassState::Waiting;
            Vec::new()
        }
        PassState::NotStarted => vec![start_pass(state)],
        _ => Vec::new(),
    }
}

/// The first scan finished: the audit pass asked for while it ran starts.
pub fn main_scan_finished(state: &mut State) -> Option<Effect> {
    (state.audit.pass == PassState::Waiting).then(|| start_pass(state))
}

fn start_pass(state: &mut State) -> Effect {
    state.audit.pass = PassState::Running;
    let options = &state.audit.pass_options;
    let roots = if options.roots.is_empty() {
        // Tests and callers that did not say: the tree's roots as named.
        state.tree.roots().map(|r| state.tree.path(r)).collect()
    } else {
        options.roots.clone()
    };
    Effect::StartAuditPass {
        roots,
        follow_links: options.follow_links,
        one_file_system: options.one_file_system,
    }
}

/// Takes one event of the audit pass: its entries are matched to the tree's
/// nodes by name and their xattr and symlink findings recorded.
pub fn on_pass_event(state: &mut State, event: ScanEvent) {
    match event {
        ScanEvent::Batch(batch) => pass_batch(state, &batch),
        ScanEvent::DirError { dir, .. } => {
            state.audit.pass_dirs.remove(&dir);
        }
        ScanEvent::RootError { .. } | ScanEvent::RootDone(_) => {}
        ScanEvent::Finished { .. } => {
            state.audit.pass = PassState::Done;
            state.audit.pass_dirs = HashMap::new();
            state.screen.needs_draw = true;
        }
    }
}

/// Directories with more children than this are searched through a sorted list.
const LINEAR_CHILDREN: u32 = 32;

fn pass_batch(state: &mut State, batch: &Batch) {
    let selection = pass_findings();
    let parent = match batch.parent {
        Parent::Root(_) => None,
        Parent::Dir(key) => {
            let Some(dir) = state.audit.pass_dirs.get_mut(&key) else { return };
            dir.seen += batch.entries.len() as u32;
            if dir.sorted.is_none() && state.tree.child_count(dir.node) > LINEAR_CHILDREN {
                let mut ids: Vec<NodeId> = state.tree.children(dir.node).collect();
                ids.sort_by(|&a, &b| state.tree.name(a).cmp(state.tree.name(b)));
                dir.sorted = Some(ids);
            }
            Some(key)
        }
    };
    let mut found = Vec::new();
    for (index, entry) in batch.entries.iter().enumerate() {
        let name = batch.name(entry);
        let node = match parent {
            None => state.tree.roots().find(|&r| state.tree.name(r) == name),
            Some(key) => state
                .audit
                .pass_dirs
                .get(&key)
                .and_then(|dir| find_child(&state.tree, dir.node, dir.sorted.as_deref(), name)),
        };
        let Some(node) = node.filter(|&n| state.tree.kind(n) == entry.kind()) else { continue };
        if entry.descend {
            state.audit.pass_dirs.insert(batch.key(index), PassDir { node, seen: 0, sorted: None });
        }
        let findings = audit::facts_of(entry, false, None).evaluate(selection);
        if findings.is_empty() {
            continue;
        }
        let capability = entry.detail.as_deref().and_then(|d| d.audit.capability.as_deref());
        found.push((node, findings, capability.map(caps::describe)));
    }
    for (node, findings, capability) in found {
        add_findings(state, node, findings);
        if let Some(text) = capability {
            state.audit.capabilities.insert(node, text);
        }
    }
    if let Parent::Dir(key) = batch.parent
        && state.audit.pass_dirs.get(&key).is_some_and(|dir| dir.seen >= batch.total)
    {
        state.audit.pass_dirs.remove(&key);
    }
}

fn find_child(
    tree: &Tree,
    parent: NodeId,
    sorted: Option<&[NodeId]>,
    name: &[u8],
) -> Option<NodeId> {
    match sorted {
        Some(ids) => ids.binary_search_by(|&id| tree.name(id).cmp(name)).ok().map(|i| ids[i]),
        None => tree.find_child(parent, name),
    }
}

// ---- the panel and the filter ------------------------------------------
