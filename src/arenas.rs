//! One malloc arena under an address-space limit (`ulimit -v`,
//! `RLIMIT_AS`).
//!
//! glibc gives each thread that allocates its own arena, and a new arena
//! reserves 64 MiB of address space at once. How many get made depends on
//! which threads allocate first, so under `ulimit -v` the room left for the
//! tree varied from run to run, and a worker needing a fresh arena after
//! the tree had taken all but its cushion ([`crate::model::tree`]) failed a
//! 200-byte allocation: an abort, with the terminal left in the alternate
//! screen. With a single arena the heap grows in small steps, so the
//! tree's cushion is really there for the rest of the program when it
//! stops. Without a limit nothing changes: the scanner keeps its per-thread
//! arenas.
//!
//! glibc reads its arena limit from `MALLOC_ARENA_MAX` when a process
//! starts, and `mallopt`, the only way to change it later, has no safe form
//! (statree forbids unsafe code). So the waiting parent ([`crate::detach`])
//! sets the variable for statree's process when the address space is
//! limited. A `MALLOC_ARENA_MAX` the user set is left as it is, and the
//! variable then also reaches the programs statree starts (an editor, a
//! pager), which is harmless under the same limit. Without a waiting parent
//! (no `/proc`), the arenas stay glibc's default.

use std::process::Command;

use rustix::process::{Resource, getrlimit};

/// The variable glibc reads its arena limit from.
pub const VARIABLE: &str = "MALLOC_ARENA_MAX";

/// True when the address space is limited and the user has not chosen an
/// arena limit: statree's process should then run on one arena.
pub fn one_arena_wanted() -> bool {
    address_space_limited() && std::env::var_os(VARIABLE).is_none()
}

/// Sets one arena for the program `command` starts when
/// [`one_arena_wanted`].
pub fn one_arena_under_an_address_limit(command: &mut Command) -> &mut Command {
    if one_arena_wanted() {
        command.env(VARIABLE, "1");
    }
    command
}

fn address_space_limited() -> bool {
    getrlimit(Resource::As).current.is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_a_limit_nothing_is_set() {
        // The test process runs without `ulimit -v` (CI and developers'
        // shells): the command's environment is left alone.
        if address_space_limited() {
            return;
        }
        let mut command = Command::new("true");
        one_arena_under_an_address_limit(&mut command);
        assert!(command.get_envs().all(|(key, _)| key != VARIABLE));
    }
}
