//! What comes back for the selection: its metadata (and then its owner's
//! names, asked once per id), its preview. An answer for a node that is no
//! longer the subject of the loads is dropped.

use super::audit;
use super::msg::{Effect, Loaded};
use super::state::State;
use crate::model::FullStat;
use crate::preview::Preview;

/// The selection's metadata was read.
pub fn on_meta(state: &mut State, loaded: Loaded<FullStat>) -> Vec<Effect> {
    if Some(loaded.id) != state.inspect.subject {
        return Vec::new();
    }
    let owner = loaded.result.as_ref().ok().map(|full| (full.stat.uid, full.stat.gid));
    state.inspect.meta = Some(loaded);
    state.screen.needs_draw = true;
    match owner {
        Some((uid, gid))
            if !state.inspect.owner_names.users.contains_key(&uid)
                || !state.inspect.owner_names.groups.contains_key(&gid) =>
        {
            vec![Effect::ResolveOwner { uid, gid }]
        }
        _ => Vec::new(),
    }
}

/// User and group names came back (`None`: the id has no name); the audit
/// marks what an unnamed id owns.
pub fn on_owner(state: &mut State, user: (u32, Option<String>), group: (u32, Option<String>)) {
    let ((uid, user), (gid, group)) = (user, group);
    state.inspect.owner_names.users.insert(uid, user);
    state.inspect.owner_names.groups.insert(gid, group);
    state.screen.needs_draw = true;
    audit::owner_resolved(state, uid, gid);
}

/// The selection's preview was read.
pub fn on_preview(state: &mut State, loaded: Loaded<Preview>) {
    if Some(loaded.id) == state.inspect.subject {
        state.inspect.preview = Some(loaded);
        state.screen.needs_draw = true;
    }
}
