//! File capabilities: decoding the `security.capability` xattr
//! (`struct vfs_cap_data` / `vfs_ns_cap_data`) into `cap_net_raw+ep` text.
//!
//! Layout (little-endian `u32`s): `magic_etc` — the version in the high byte
//! (`0x01000000` v1, `0x02000000` v2, `0x03000000` v3) and bit 0 meaning
//! "effective" — then (permitted, inheritable) pairs: one pair (caps 0–31)
//! for v1, two pairs (caps 0–31, 32–63) for v2 and v3; v3 adds the `rootid`
//! of the user namespace the capabilities belong to.

use std::fmt;

/// Capability names by number (`cap_` prefix left off).
const NAMES: [&str; 41] = [
    "chown",
    "dac_override",
    "dac_read_search",
    "fowner",
    "fsetid",
    "kill",
    "setgid",
    "setuid",
    "setpcap",
    "linux_immutable",
    "net_bind_service",
    "net_broadcast",
    "net_admin",
    "net_raw",
    "ipc_lock",
    "ipc_owner",
    "sys_module",
    "sys_rawio",
    "sys_chroot",
    "sys_ptrace",
    "sys_pacct",
    "sys_admin",
    "sys_boot",
    "sys_nice",
    "sys_resource",
    "sys_time",
    "sys_tty_config",
    "mknod",
    "lease",
    "audit_write",
    "audit_control",
    "setfcap",
    "mac_override",
    "mac_admin",
    "syslog",
    "wake_alarm",
    "block_suspend",
    "audit_read",
    "perfmon",
    "bpf",
    "checkpoint_restore",
];

const VERSION_MASK: u32 = 0xff00_0000;
const V1: u32 = 0x0100_0000;
const V2: u32 = 0x0200_0000;
const V3: u32 = 0x0300_0000;
const EFFECTIVE: u32 = 0x0000_0001;

/// A decoded `security.capability` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileCaps {
    /// 1, 2 or 3.
    pub version: u8,
    /// The effective bit: permitted (and inheritable) capabilities are raised
    /// at exec.
    pub effective: bool,
    /// Permitted set, bit n = capability n.
    pub permitted: u64,
    /// Inheritable set.
    pub inheritable: u64,
    /// v3 only: the root uid of the namespace the capabilities apply in.
    pub rootid: Option<u32>,
}

/// Why a value could not be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CapError {
    /// The version byte is not 1, 2 or 3.
    UnknownVersion(u32),
    /// The length does not match the version.
    BadLength {
        /// The version from `magic_etc`.
        version: u8,
        /// Bytes present.
        len: usize,
    },
}

impl fmt::Display for CapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CapError::UnknownVersion(magic) => write!(f, "unknown format (magic {magic:#010x})"),
            CapError::BadLength { version, len } => {
                write!(f, "malformed v{version} value ({len} bytes)")
            }
        }
    }
}

fn word(raw: &[u8], index: usize) -> u32 {
    let start = index * 4;
    u32::from_le_bytes([raw[start], raw[start + 1], raw[start + 2], raw[start + 3]])
}

/// Decodes a raw `security.capability` value.
pub fn decode(raw: &[u8]) -> Result<FileCaps, CapError> {
    if raw.len() < 4 {
        return Err(CapError::BadLength { version: 0, len: raw.len() });
    }
    let magic = word(raw, 0);
    let (version, words) = match magic & VERSION_MASK {
        V1 => (1, 3),
        V2 => (2, 5),
        V3 => (3, 6),
        _ => return Err(CapError::UnknownVersion(magic)),
    };
    if raw.len() != words * 4 {
        return Err(CapError::BadLength { version, len: raw.len() });
    }
    let mut permitted = u64::from(word(raw, 1));
    let mut inheritable = u64::from(word(raw, 2));
    if version >= 2 {
        permitted |= u64::from(word(raw, 3)) << 32;
        inheritable |= u64::from(word(raw, 4)) << 32;
    }
    Ok(FileCaps {
        version,
        effective: magic & EFFECTIVE != 0,
        permitted,
        inheritable,
        rootid: (version == 3).then(|| word(raw, 5)),
    })
}

/// The name of capability `n` with its `cap_` prefix (`cap_41` past the known ones).
pub fn name(n: u32) -> String {
    match NAMES.get(n as usize) {
        Some(name) => format!("cap_{name}"),
        None => format!("cap_{n}"),
    }
}

impl FileCaps {
    /// The flags of capability `n`, in `eip` order: empty when it is in
    /// neither set.
    fn flags(&self, n: u32) -> &'static str {
        let p = self.permitted >> n & 1 == 1;
        let i = self.inheritable >> n & 1 == 1;
        match (self.effective && (p || i), i, p) {
            (true, true, true) => "eip",
            (true, false, true) => "ep",
            (true, true, false) => "ei",
            (false, true, true) => "ip",
            (false, false, true) => "p",
            (false, true, false) => "i",
            _ => "",
        }
    }
}

/// `cap_net_admin,cap_net_raw+ep`: capabilities with the same flags joined by
/// commas, one `+flags` clause per set of flags (in order of the lowest
/// capability number), and ` rootid=N` for a v3 value. `none` when both sets
/// are empty.
impl fmt::Display for FileCaps {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut clauses: Vec<(&str, Vec<String>)> = Vec::new();
        for n in 0..64 {
            let flags = self.flags(n);
            if flags.is_empty() {
                continue;
            }
            match clauses.iter_mut().find(|(f, _)| *f == flags) {
                Some((_, names)) => names.push(name(n)),
                None => clauses.push((flags, vec![name(n)])),
            }
        }
        if clauses.is_empty() {
            f.write_str("none")?;
        }
        for (i, (flags, names)) in clauses.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{}+{flags}", names.join(","))?;
        }
        if let Some(rootid) = self.rootid {
            write!(f, " rootid={rootid}")?;
        }
        Ok(())
    }
}

/// The text of a raw value, or why it could not be decoded.
pub fn describe(raw: &[u8]) -> String {
    match decode(raw) {
        Ok(caps) => caps.to_string(),
        Err(err) => err.to_string(),
    }
}

/// Builds a raw value (for tests and fixtures): v2 without `rootid`, v3 with.
pub fn encode(effective: bool, permitted: u64, inheritable: u64, rootid: Option<u32>) -> Vec<u8> {
    let magic = if rootid.is_some() { V3 } else { V2 } | u32::from(effective);
    let mut words = vec![
        magic,
        permitted as u32,
        inheritable as u32,
        (permitted >> 32) as u32,
        (inheritable >> 32) as u32,
    ];
    words.extend(rootid);
    words.iter().flat_map(|w| w.to_le_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(words: &[u32]) -> Vec<u8> {
        words.iter().flat_map(|w| w.to_le_bytes()).collect()
    }

    #[test]
    fn v2_as_setcap_writes_it() {
        // `setcap cap_net_admin,cap_net_raw+ep` on ext4, read back with getfattr:
        // 0x0100000200300000000000000000000000000000.
        let raw = [0x01, 0, 0, 0x02, 0, 0x30, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        let caps = decode(&raw).unwrap();
        assert_eq!(caps.version, 2);
        assert!(caps.effective);
        assert_eq!(caps.permitted, (1 << 12) | (1 << 13));
        assert_eq!(caps.inheritable, 0);
        assert_eq!(caps.rootid, None);
        assert_eq!(caps.to_string(), "cap_net_admin,cap_net_raw+ep");
    }

    #[test]
    fn v2_hand_built_with_high_caps_and_mixed_flags() {
        // permitted: net_raw (13) and bpf (39); inheritable: chown (0), net_raw.
        let raw = bytes(&[0x0200_0000, 1 << 13, 1 | (1 << 13), 1 << (39 - 32), 0]);
        let caps = decode(&raw).unwrap();
        assert!(!caps.effective);
        assert_eq!(caps.to_string(), "cap_chown+i cap_net_raw+ip cap_bpf+p");
        let raw = bytes(&[0x0200_0001, 1 << 13, 1 << 13, 0, 0]);
        assert_eq!(describe(&raw), "cap_net_raw+eip");
    }

    #[test]
    fn v3_carries_a_rootid() {
        let raw = bytes(&[0x0300_0001, 1 << 10, 0, 0, 0, 100_000]);
        let caps = decode(&raw).unwrap();
        assert_eq!(caps.version, 3);
        assert_eq!(caps.rootid, Some(100_000));
        assert_eq!(caps.to_string(), "cap_net_bind_service+ep rootid=100000");
        assert_eq!(encode(true, 1 << 10, 0, Some(100_000)), raw);
    }

    #[test]
    fn v1_has_one_pair() {
        let raw = bytes(&[0x0100_0001, 1 << 7, 0]);
        assert_eq!(describe(&raw), "cap_setuid+ep");
    }

    #[test]
    fn encode_round_trips() {
        let raw = encode(true, (1 << 40) | 1, 1 << 35, None);
        assert_eq!(raw.len(), 20);
        let caps = decode(&raw).unwrap();
        assert_eq!((caps.permitted, caps.inheritable), ((1 << 40) | 1, 1 << 35));
        assert_eq!(caps.to_string(), "cap_chown,cap_checkpoint_restore+ep cap_wake_alarm+ei");
    }

    #[test]
    fn unknown_numbers_and_empty_sets() {
        assert_eq!(name(40), "cap_checkpoint_restore");
        assert_eq!(name(41), "cap_41");
        assert_eq!(describe(&encode(true, 1 << 63, 0, None)), "cap_63+ep");
        assert_eq!(describe(&encode(true, 0, 0, None)), "none");
    }

    #[test]
    fn malformed_values_are_errors() {
        assert_eq!(decode(&[1, 2]), Err(CapError::BadLength { version: 0, len: 2 }));
        assert_eq!(
            decode(&bytes(&[0x0200_0000, 0, 0])),
            Err(CapError::BadLength { version: 2, len: 12 })
        );
        assert_eq!(
            decode(&bytes(&[0x0300_0000, 0, 0, 0, 0])),
            Err(CapError::BadLength { version: 3, len: 20 })
        );
        assert!(matches!(decode(&bytes(&[0x0400_0000, 0, 0])), Err(CapError::UnknownVersion(_))));
        assert_eq!(describe(&[0; 3]), "malformed v0 value (3 bytes)");
    }
}
