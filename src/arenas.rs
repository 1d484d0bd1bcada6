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
//! This file is one of the library's three exceptions to `deny(unsafe_code)`
//! (see `src/lib.rs`): `mallopt` has no safe form.

#![allow(unsafe_code)]

use rustix::process::{Resource, getrlimit};

/// Keeps every thread on one malloc arena when the address space is
/// limited. Call while the process has one thread: glibc fixes its arena
/// limit when the threads first need arenas. True when it was set.
pub fn one_arena_under_an_address_limit() -> bool {
    if getrlimit(Resource::As).current.is_none() {
        return false;
    }
    set_one_arena()
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn set_one_arena() -> bool {
    // SAFETY: mallopt takes two integers and only changes glibc's malloc
    // parameters; called before other threads exist.
    unsafe { libc::mallopt(libc::M_ARENA_MAX, 1) == 1 }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn set_one_arena() -> bool {
    // Other allocators (musl's among them) keep no per-thread arenas.
    false
}
