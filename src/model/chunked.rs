//! Append-only storage in fixed-size chunks: growth never copies what is
//! already stored, so a million-entry tree never holds two copies of its
//! nodes while a vector doubles. Room is made fallibly ahead of a batch
//! (`try_reserve`), so a tree that outgrows the memory it may use stops
//! growing with an error instead of aborting the process.

use std::collections::TryReserveError;

/// An append-only vector stored in chunks of `CHUNK` elements.
#[derive(Debug, Clone)]
pub struct ChunkedVec<T, const CHUNK: usize> {
    chunks: Vec<Vec<T>>,
    len: usize,
}

impl<T, const CHUNK: usize> Default for ChunkedVec<T, CHUNK> {
    fn default() -> Self {
        ChunkedVec { chunks: Vec::new(), len: 0 }
    }
}

impl<T, const CHUNK: usize> ChunkedVec<T, CHUNK> {
    /// Number of elements.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Appends and returns the new element's index. (A chunk made by
    /// [`ChunkedVec::try_reserve`] is used first; past it, one is allocated
    /// here, infallibly.)
    pub fn push(&mut self, value: T) -> usize {
        let index = self.len;
        if index / CHUNK >= self.chunks.len() {
            self.chunks.push(Vec::with_capacity(CHUNK));
        }
        self.chunks[index / CHUNK].push(value);
        self.len += 1;
        index
    }

    /// Makes room for `additional` more elements without aborting when the
    /// memory is not there; returns how many chunks it allocated.
    pub fn try_reserve(&mut self, additional: usize) -> Result<usize, TryReserveError> {
        let chunks = (self.len + additional).div_ceil(CHUNK);
        let missing = chunks.saturating_sub(self.chunks.len());
        if missing > 0 {
            self.chunks.try_reserve(missing)?;
            for _ in 0..missing {
                let mut chunk = Vec::new();
                chunk.try_reserve_exact(CHUNK)?;
                self.chunks.push(chunk);
            }
        }
        Ok(missing)
    }

    /// The element at `index`.
    pub fn get(&self, index: usize) -> Option<&T> {
        self.chunks.get(index / CHUNK)?.get(index % CHUNK)
    }

    /// The element at `index`, mutably.
    pub fn get_mut(&mut self, index: usize) -> Option<&mut T> {
        self.chunks.get_mut(index / CHUNK)?.get_mut(index % CHUNK)
    }

    /// Bytes reserved by the storage.
    pub fn heap_bytes(&self) -> usize {
        self.chunks.iter().map(|c| c.capacity() * std::mem::size_of::<T>()).sum::<usize>()
            + self.chunks.capacity() * std::mem::size_of::<Vec<T>>()
    }
}

impl<T, const CHUNK: usize> std::ops::Index<usize> for ChunkedVec<T, CHUNK> {
    type Output = T;
    fn index(&self, index: usize) -> &T {
        &self.chunks[index / CHUNK][index % CHUNK]
    }
}

impl<T, const CHUNK: usize> std::ops::IndexMut<usize> for ChunkedVec<T, CHUNK> {
    fn index_mut(&mut self, index: usize) -> &mut T {
        &mut self.chunks[index / CHUNK][index % CHUNK]
    }
}

/// Name bytes packed end to end; a name never straddles two chunks.
#[derive(Debug, Default)]
pub struct NameArena {
    chunks: Vec<Vec<u8>>,
    /// Empty chunks allocated ahead by [`NameArena::try_reserve`].
    spare: Vec<Vec<u8>>,
}

/// Bytes per name chunk (the offset part of a position has 20 bits).
const NAME_CHUNK: usize = 1 << 20;
/// Longest name stored: a file name is at most 255 bytes on Linux and a root
/// path at most PATH_MAX; the cap only guards the packing.
pub const NAME_MAX_STORED: usize = u16::MAX as usize;

impl NameArena {
    /// Stores `name` (at most 64 KiB) and returns its packed position:
    /// chunk number in the high 12 bits, offset in the low 20.
    pub fn push(&mut self, name: &[u8]) -> u32 {
        let name = &name[..name.len().min(NAME_MAX_STORED)];
        let fits = self.chunks.last().is_some_and(|c| c.capacity() - c.len() >= name.len());
        if !fits {
            let chunk = self.spare.pop().unwrap_or_else(|| Vec::with_capacity(NAME_CHUNK));
            self.chunks.push(chunk);
        }
        let index = self.chunks.len() - 1;
        let chunk = &mut self.chunks[index];
        let offset = chunk.len();
        chunk.extend_from_slice(name);
        ((index as u32) << 20) | offset as u32
    }

    /// Makes room for names of `bytes` bytes in all (each at most
    /// [`NAME_MAX_STORED`]) without aborting when the memory is not there;
    /// returns how many chunks it allocated.
    pub fn try_reserve(&mut self, bytes: usize) -> Result<usize, TryReserveError> {
        let room = self.chunks.last().map_or(0, |c| c.capacity() - c.len());
        if bytes <= room {
            return Ok(0);
        }
        // A name never straddles chunks: up to one name's bytes of each
        // chunk (the current one included) may go unused.
        let per_chunk = NAME_CHUNK - NAME_MAX_STORED;
        let wanted = (bytes - room + NAME_MAX_STORED).div_ceil(per_chunk);
        let missing = wanted.saturating_sub(self.spare.len());
        self.chunks.try_reserve(wanted)?;
        self.spare.try_reserve(missing)?;
        for _ in 0..missing {
            let mut chunk = Vec::new();
            chunk.try_reserve_exact(NAME_CHUNK)?;
            self.spare.push(chunk);
        }
        Ok(missing)
    }

    /// Stores a long name with a two-byte length prefix; read it back with
    /// [`NameArena::get_long`].
    pub fn push_long(&mut self, name: &[u8]) -> u32 {
        let name = &name[..name.len().min(NAME_MAX_STORED - 2)];
        let mut prefixed = Vec::with_capacity(name.len() + 2);
        prefixed.extend_from_slice(&(name.len() as u16).to_le_bytes());
        prefixed.extend_from_slice(name);
        self.push(&prefixed)
    }

    /// A name stored by [`NameArena::push_long`].
    pub fn get_long(&self, pos: u32) -> &[u8] {
        let prefix = self.get(pos, 2);
        let len = u16::from_le_bytes([prefix[0], prefix[1]]) as usize;
        &self.get(pos, len + 2)[2..]
    }

    /// The name stored at `pos` with `len` bytes.
    pub fn get(&self, pos: u32, len: usize) -> &[u8] {
        let chunk = &self.chunks[(pos >> 20) as usize];
        let start = (pos & 0xf_ffff) as usize;
        &chunk[start..start + len]
    }

    /// Bytes reserved by the storage.
    pub fn heap_bytes(&self) -> usize {
        self.chunks.iter().chain(&self.spare).map(Vec::capacity).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunked_vec_indexes_across_chunks() {
        let mut v: ChunkedVec<u32, 4> = ChunkedVec::default();
        for i in 0..10 {
            assert_eq!(v.push(i * 10), i as usize);
        }
        assert_eq!(v.len(), 10);
        assert_eq!(v[9], 90);
        assert_eq!(v.get(4), Some(&40));
        assert_eq!(v.get(10), None);
        v[5] = 7;
        assert_eq!(v[5], 7);
    }

    #[test]
    fn names_round_trip_and_never_straddle() {
        let mut arena = NameArena::default();
        let a = arena.push(b"alpha");
        // Enough 60,000-byte names to fill more than one chunk.
        let bigs: Vec<(u32, Vec<u8>)> = (0..40u8)
            .map(|i| {
                let name = vec![i; 60_000];
                (arena.push(&name), name)
            })
            .collect();
        let c = arena.push(b"\xff\x00tail");
        assert_eq!(arena.get(a, 5), b"alpha");
        for (pos, name) in &bigs {
            assert_eq!(arena.get(*pos, name.len()), &name[..]);
        }
        assert_eq!(arena.get(c, 6), b"\xff\x00tail");
        assert!(arena.chunks.len() > 1);
        let long = vec![b'l'; 4000];
        let d = arena.push_long(&long);
        assert_eq!(arena.get_long(d), &long[..]);
    }
}
