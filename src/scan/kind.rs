//! The file type encoded in `st_mode`: what the scanner reports for each
//! entry, and what every layer above names it by.

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
