//! The user and group names of the system database (NSS: `/etc/passwd`,
//! `/etc/group`, LDAP…) for the owner editor, read on a job's thread since
//! a remote database may be slow.

use std::sync::Mutex;

use crate::view::owner::Accounts;

/// Held while the database is iterated: two editors opened in a row must
/// not iterate it at the same time.
static ITERATING: Mutex<()> = Mutex::new(());

/// Every user and group, sorted by name, duplicates dropped.
#[allow(unsafe_code)]
pub fn load() -> Accounts {
    let _one_at_a_time = ITERATING.lock().unwrap_or_else(|e| e.into_inner());
    // SAFETY: `getpwent`/`getgrent` keep global state; this is the only
    // code in statree that iterates them, and each loop runs to its end
    // before the other starts, under `ITERATING`. Lookups by id elsewhere use the reentrant
    // `getpwuid_r`/`getgrgid_r`, which do not share that state.
    let mut users: Vec<(String, u32)> = unsafe { uzers::all_users() }
        .map(|u| (u.name().to_string_lossy().into_owned(), u.uid()))
        .collect();
    let mut groups: Vec<(String, u32)> = unsafe { uzers::all_groups() }
        .map(|g| (g.name().to_string_lossy().into_owned(), g.gid()))
        .collect();
    users.sort();
    users.dedup_by(|a, b| a.0 == b.0);
    groups.sort();
    groups.dedup_by(|a, b| a.0 == b.0);
    Accounts { users, groups }
}
