//! Random sequences of edits against a recomputation from scratch.

use super::*;

/// xorshift64*: deterministic, no dependencies.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> Option<T> {
        (!items.is_empty()).then(|| items[self.below(items.len())])
    }
}

fn random_stat(rng: &mut Rng) -> EntryStat {
    let mode = [FILE, FILE, FILE, DIR, DIR, LINK, FIFO][rng.below(7)];
    let size = match rng.below(4) {
        0 => 0,
        1 => (1 << 33) + rng.next() % 1000,
        _ => rng.next() % 100_000,
    };
    let mut st = stat(mode, size, 200 + rng.next() % 6, 1 + rng.next() % 2);
    st.mode |= (rng.next() % 0o1000) as u32;
    st.uid = (rng.next() % 3) as u32;
    st.mtime.sec = match rng.below(5) {
        0 => -1000,
        1 => 5_000_000_000,
        _ => 1_600_000_000 + (rng.next() % 1000) as i64,
    };
    st
}

fn random_name(rng: &mut Rng, tree: &Tree, parent: NodeId) -> Vec<u8> {
    let kids: Vec<NodeId> = tree.children(parent).collect();
    if rng.below(3) > 0
        && let Some(kid) = rng.pick(&kids)
    {
        return tree.name(kid).to_vec();
    }
    let pool: [&[u8]; 8] = [b"a", b"b", b"c", b"sub", b"pend", b"x", b"\xff\x01", &[b'n'; 260]];
    pool[rng.below(pool.len())].to_vec()
}

#[test]
fn aggregates_match_a_recomputation_after_random_ops() {
    // How many ops of each kind changed the tree, over all seeds.
    let mut changed = [0u32; 7];
    for seed in 1..=40u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
        let mut tree = sample();
        // The walker's listing of "pend" arrives in two slices, whenever.
        let slice_at = [rng.below(40), rng.below(40)];
        for step in 0..250 {
            for (slice, _) in slice_at.iter().enumerate().filter(|&(_, &at)| at == step) {
                let offset = 2 * slice as u32;
                let mut listing = batch(4 + offset, key(1, 1), offset, 4);
                let names: [&[u8]; 4] = [b"a", b"sub", b"z", b"x"];
                push(&mut listing, names[2 * slice], file(1, 70), false);
                push(&mut listing, names[2 * slice + 1], dir_stat(71), true);
                changed[6] += u32::from(tree.apply_batch(&listing));
            }
            let dirs: Vec<NodeId> =
                tree.node_ids().filter(|&id| tree.kind(id) == FileKind::Dir).collect();
            let all: Vec<NodeId> = tree.node_ids().collect();
            // Now and then a removed or non-directory parent.
            let parent = if rng.below(20) == 0 {
                NodeId(rng.below(tree.len()) as u32)
            } else {
                match rng.pick(&dirs) {
                    Some(d) => d,
                    None => break,
                }
            };
            let context = format!("seed {seed} step {step}");
            match rng.below(15) {
                0..=3 => {
                    let name = random_name(&mut rng, &tree, parent);
                    let stat = random_stat(&mut rng);
                    changed[0] +=
                        u32::from(apply_twice(&mut tree, TreeOp::Upsert { parent, name, stat }));
                }
                4..=6 => {
                    let name = random_name(&mut rng, &tree, parent);
                    changed[1] +=
                        u32::from(apply_twice(&mut tree, TreeOp::Remove { parent, name }));
                }
                7..=10 => {
                    let from = random_name(&mut rng, &tree, parent);
                    let to_parent = rng.pick(&dirs).unwrap_or(parent);
                    let to = random_name(&mut rng, &tree, to_parent);
                    let op = TreeOp::Rename { parent, from, to_parent, to };
                    changed[2] += u32::from(apply_twice(&mut tree, op));
                }
                11..=12 => {
                    if let Some(id) = rng.pick(&all) {
                        let mut stat = random_stat(&mut rng);
                        if tree.parent(id).is_none() {
                            // Keep a root to edit under.
                            stat.mode = DIR | 0o700;
                        }
                        changed[3] +=
                            u32::from(apply_twice(&mut tree, TreeOp::Restat { id, stat }));
                    }
                }
                13 => {
                    changed[4] += u32::from(tree.clear_children(parent));
                }
                _ => {
                    let mut b = batch(0, key(999, 0), 0, 3);
                    let mut seen = HashSet::new();
                    for _ in 0..rng.below(4) {
                        // A listing never holds a name twice.
                        let name = random_name(&mut rng, &tree, parent);
                        let st = random_stat(&mut rng);
                        if seen.insert(name.clone()) {
                            push(&mut b, &name, st, st.kind() == FileKind::Dir);
                        }
                    }
                    changed[5] += u32::from(tree.apply_batch_to(parent, &b));
                }
            }
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&tree)));
            assert!(result.is_ok(), "{context}");
        }
        assert_eq!(tree.dropped_batches(), 0);
    }
    eprintln!("ops that changed the tree, by kind: {changed:?}");
    assert!(changed.iter().all(|&n| n >= 5), "{changed:?}");
}
