//! What is loaded about the selection: its full metadata, its preview, and
//! the owner names looked up so far. Loads are asked for a subject (the node
//! selected when they were asked); an answer for another node is dropped.

use std::collections::HashMap;

use super::msg::Loaded;
use crate::model::{FullStat, NodeId};
use crate::preview::Preview;

/// The selection's loaded metadata and preview.
#[derive(Debug, Default)]
pub struct Inspect {
    /// The node the loads were last asked for.
    pub subject: Option<NodeId>,
    /// Full metadata of the selected entry, read when it was selected.
    pub meta: Option<Loaded<FullStat>>,
    /// Preview of the selected entry.
    pub preview: Option<Loaded<Preview>>,
    /// Preview pane on.
    pub show_preview: bool,
    /// User and group names looked up so far.
    pub owner_names: OwnerNameCache,
}

/// User and group names looked up so far: `Some(None)` means the id has no
/// name, a missing key that the lookup is still pending.
#[derive(Debug, Default, Clone)]
pub struct OwnerNameCache {
    /// By uid.
    pub users: HashMap<u32, Option<String>>,
    /// By gid.
    pub groups: HashMap<u32, Option<String>>,
}
