//! uid/gid → user and group names, cached (lookups hit NSS, which may be slow
//! or remote). Not `Sync`: keep one per thread.

use std::collections::HashMap;

use uzers::{Groups, Users, UsersCache};

/// A cache of user and group names.
#[derive(Default)]
pub struct OwnerNames {
    system: UsersCache,
    users: HashMap<u32, Option<String>>,
    groups: HashMap<u32, Option<String>>,
}

impl OwnerNames {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// The user name of `uid`, `None` when the id has no name on this system.
    pub fn user(&mut self, uid: u32) -> Option<&str> {
        let system = &self.system;
        self.users
            .entry(uid)
            .or_insert_with(|| {
                system.get_user_by_uid(uid).map(|u| u.name().to_string_lossy().into_owned())
            })
            .as_deref()
    }

    /// The group name of `gid`, `None` when the id has no name on this system.
    pub fn group(&mut self, gid: u32) -> Option<&str> {
        let system = &self.system;
        self.groups
            .entry(gid)
            .or_insert_with(|| {
                system.get_group_by_gid(gid).map(|g| g.name().to_string_lossy().into_owned())
            })
            .as_deref()
    }
}
