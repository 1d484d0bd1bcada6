//! The command-line definition (clap derive). Kept apart from `main` so that
//! completions and the man page can be generated from the same definition.

use std::path::PathBuf;

use clap::{ArgGroup, Parser};

const EXAMPLES: &str = "\
Examples:
  statree --list /etc               every entry under /etc, one a line
  statree --json /srv > srv.jsonl   full stat records as JSON Lines
  statree --summary -x /            totals for the root filesystem only
  statree --summary -j 1 /usr       the same scan on a single worker thread
  statree --list ~/a ~/b            two roots scanned concurrently

Exit status: 0 when every entry was read, 1 when some entries had errors
(the output is complete for the rest), 2 for bad usage.";

/// statree: see a filesystem — a parallel scan with every field of stat.
#[derive(Debug, Parser)]
#[command(name = "statree", version, about, after_help = EXAMPLES)]
#[command(group(ArgGroup::new("output").args(["list", "json", "summary"])))]
pub struct Cli {
    /// Directories (or files) to scan; each becomes its own root. Default: `.`
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// One entry a line: type, permissions, size, path (`! path: reason` for errors).
    #[arg(long)]
    pub list: bool,

    /// JSON Lines: one full stat record per entry, each root first.
    #[arg(long)]
    pub json: bool,

    /// Scan into the in-memory tree and print totals.
    #[arg(long)]
    pub summary: bool,

    /// Worker threads for the scan [default: one per core].
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: Option<u16>,

    /// Follow symbolic links (loops are detected and reported, never walked).
    #[arg(short = 'L', long)]
    pub follow_links: bool,

    /// Do not cross into other filesystems (mount points are listed, not entered).
    #[arg(short = 'x', long)]
    pub one_file_system: bool,
}

impl Cli {
    /// The roots to scan (`.` when none was given).
    pub fn roots(&self) -> Vec<PathBuf> {
        if self.paths.is_empty() { vec![PathBuf::from(".")] } else { self.paths.clone() }
    }
}
