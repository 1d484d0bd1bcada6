//! Hash sets and maps keyed by [`NodeId`] with a multiplicative hash: a
//! node id is a small integer the user does not choose, so SipHash's
//! defence against chosen keys buys nothing, and its cost showed in the
//! row index (one lookup per open directory, tens of thousands per rebuild).

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use super::NodeId;

/// A set of node ids.
pub type IdSet = HashSet<NodeId, BuildHasherDefault<IdHasher>>;

/// A map from node ids.
pub type IdMap<V> = HashMap<NodeId, V, BuildHasherDefault<IdHasher>>;

/// Fibonacci hashing of the id: the high bits (the table's tag) and the
/// low bits (its bucket) both depend on every bit of the id.
#[derive(Debug, Default, Clone, Copy)]
pub struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Not reached for a `NodeId` (it hashes as one `u32`); anything
        // else still hashes correctly, byte by byte.
        for &b in bytes {
            self.write_u32(u32::from(b));
        }
    }

    fn write_u32(&mut self, n: u32) {
        let x = (self.0 ^ u64::from(n)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        self.0 = x ^ (x >> 29);
    }
}
