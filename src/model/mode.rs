//! Mode bits: the file type and the 12 permission bits, in the forms people
//! read (`rwsr-xr-t`, `4755`).

pub use crate::scan::kind::FileKind;

/// The 12 permission bits (setuid, setgid, sticky, rwx × 3).
pub const PERM_MASK: u32 = 0o7777;
/// Set-user-id bit.
pub const SETUID: u32 = 0o4000;
/// Set-group-id bit.
pub const SETGID: u32 = 0o2000;
/// Sticky bit.
pub const STICKY: u32 = 0o1000;

/// The 9-character `ls`-style permission string, with `s/S` for setuid and
/// setgid and `t/T` for sticky (lower case when the execute bit is also set).
pub fn perms_string(mode: u32) -> String {
    let bit = |mask: u32, ch: char| if mode & mask != 0 { ch } else { '-' };
    let special = |exec: u32, special: u32, on: char| match (mode & exec != 0, mode & special != 0)
    {
        (true, true) => on,
        (false, true) => on.to_ascii_uppercase(),
        (true, false) => 'x',
        (false, false) => '-',
    };
    [
        bit(0o400, 'r'),
        bit(0o200, 'w'),
        special(0o100, SETUID, 's'),
        bit(0o040, 'r'),
        bit(0o020, 'w'),
        special(0o010, SETGID, 's'),
        bit(0o004, 'r'),
        bit(0o002, 'w'),
        special(0o001, STICKY, 't'),
    ]
    .iter()
    .collect()
}

/// The 4-digit octal form of the permission bits, e.g. `"4755"`.
pub fn octal_string(mode: u32) -> String {
    format!("{:04o}", mode & PERM_MASK)
}

/// The special bits spelled out ("setuid, sticky"), empty when none is set.
pub fn special_bits_words(mode: u32) -> Vec<&'static str> {
    let mut words = Vec::new();
    if mode & SETUID != 0 {
        words.push("setuid");
    }
    if mode & SETGID != 0 {
        words.push("setgid");
    }
    if mode & STICKY != 0 {
        words.push("sticky");
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perms_cover_special_bits() {
        assert_eq!(perms_string(0o755), "rwxr-xr-x");
        assert_eq!(perms_string(0o4755), "rwsr-xr-x");
        assert_eq!(perms_string(0o4644), "rwSr--r--");
        assert_eq!(perms_string(0o2755), "rwxr-sr-x");
        assert_eq!(perms_string(0o2745), "rwxr-Sr-x");
        assert_eq!(perms_string(0o1777), "rwxrwxrwt");
        assert_eq!(perms_string(0o1776), "rwxrwxrwT");
        assert_eq!(perms_string(0), "---------");
    }

    #[test]
    fn octal_keeps_special_bits_and_drops_type() {
        assert_eq!(octal_string(0o100_644), "0644");
        assert_eq!(octal_string(0o104_755), "4755");
        assert_eq!(octal_string(0o041_777), "1777");
    }

    #[test]
    fn kinds_round_trip_through_mode_bits() {
        for kind in FileKind::ALL {
            assert_eq!(FileKind::from_mode(kind.mode_bits() | 0o644), kind);
            assert_eq!(FileKind::from_json_name(kind.json_name()), Some(kind));
        }
        assert_eq!(FileKind::from_mode(0), FileKind::Unknown);
    }
}
