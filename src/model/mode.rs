//! Mode bits: the file type and the 12 permission bits, in the forms people
//! read (`rwsr-xr-t`, `4755`).

/// The file type encoded in `st_mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FileKind {
    /// Regular file.
    File,
    /// Directory.
    Dir,
    /// Symbolic link.
    Symlink,
    /// Named pipe.
    Fifo,
    /// Unix domain socket.
    Socket,
    /// Block device.
    Block,
    /// Character device.
    Char,
    /// Not known (the entry could not be stat-ed and the directory listing gave no type).
    Unknown,
}

/// `S_IFMT` and friends, spelled out so no libc is needed.
const S_IFMT: u32 = 0o170_000;
const S_IFSOCK: u32 = 0o140_000;
const S_IFLNK: u32 = 0o120_000;
const S_IFREG: u32 = 0o100_000;
const S_IFBLK: u32 = 0o060_000;
const S_IFDIR: u32 = 0o040_000;
const S_IFCHR: u32 = 0o020_000;
const S_IFIFO: u32 = 0o010_000;

/// The 12 permission bits (setuid, setgid, sticky, rwx × 3).
pub const PERM_MASK: u32 = 0o7777;
/// Set-user-id bit.
pub const SETUID: u32 = 0o4000;
/// Set-group-id bit.
pub const SETGID: u32 = 0o2000;
/// Sticky bit.
pub const STICKY: u32 = 0o1000;

impl FileKind {
    /// Every type a `stat` can report (all but `Unknown`).
    pub const ALL: [FileKind; 7] = [
        FileKind::File,
        FileKind::Dir,
        FileKind::Symlink,
        FileKind::Fifo,
        FileKind::Socket,
        FileKind::Block,
        FileKind::Char,
    ];

    /// The type named by its JSON word (`"file"`, `"dir"`, …).
    pub fn from_json_name(word: &str) -> Option<FileKind> {
        Self::ALL.into_iter().find(|k| k.json_name() == word)
    }

    /// The type encoded in a full `st_mode`.
    pub fn from_mode(mode: u32) -> Self {
        match mode & S_IFMT {
            S_IFREG => FileKind::File,
            S_IFDIR => FileKind::Dir,
            S_IFLNK => FileKind::Symlink,
            S_IFIFO => FileKind::Fifo,
            S_IFSOCK => FileKind::Socket,
            S_IFBLK => FileKind::Block,
            S_IFCHR => FileKind::Char,
            _ => FileKind::Unknown,
        }
    }

    /// The type as reported by a directory listing (`d_type`).
    pub fn from_std(ft: std::fs::FileType) -> Self {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_file() {
            FileKind::File
        } else if ft.is_dir() {
            FileKind::Dir
        } else if ft.is_symlink() {
            FileKind::Symlink
        } else if ft.is_fifo() {
            FileKind::Fifo
        } else if ft.is_socket() {
            FileKind::Socket
        } else if ft.is_block_device() {
            FileKind::Block
        } else if ft.is_char_device() {
            FileKind::Char
        } else {
            FileKind::Unknown
        }
    }

    /// The `S_IFMT` bits for this type (0 for `Unknown`).
    pub fn mode_bits(self) -> u32 {
        match self {
            FileKind::File => S_IFREG,
            FileKind::Dir => S_IFDIR,
            FileKind::Symlink => S_IFLNK,
            FileKind::Fifo => S_IFIFO,
            FileKind::Socket => S_IFSOCK,
            FileKind::Block => S_IFBLK,
            FileKind::Char => S_IFCHR,
            FileKind::Unknown => 0,
        }
    }

    /// The word used in JSON output.
    pub fn json_name(self) -> &'static str {
        match self {
            FileKind::File => "file",
            FileKind::Dir => "dir",
            FileKind::Symlink => "symlink",
            FileKind::Fifo => "fifo",
            FileKind::Socket => "socket",
            FileKind::Block => "block",
            FileKind::Char => "char",
            FileKind::Unknown => "unknown",
        }
    }

    /// The one-letter marker `ls -l` uses.
    pub fn letter(self) -> char {
        match self {
            FileKind::File => '-',
            FileKind::Dir => 'd',
            FileKind::Symlink => 'l',
            FileKind::Fifo => 'p',
            FileKind::Socket => 's',
            FileKind::Block => 'b',
            FileKind::Char => 'c',
            FileKind::Unknown => '?',
        }
    }

    /// Words for the metadata pane.
    pub fn describe(self) -> &'static str {
        match self {
            FileKind::File => "regular file",
            FileKind::Dir => "directory",
            FileKind::Symlink => "symbolic link",
            FileKind::Fifo => "FIFO (named pipe)",
            FileKind::Socket => "socket",
            FileKind::Block => "block device",
            FileKind::Char => "character device",
            FileKind::Unknown => "unknown",
        }
    }
}

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
