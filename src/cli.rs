//! The command-line definition (clap derive). Kept apart from `main` so that
//! completions and the man page can be generated from the same definition.

use std::io::{self, Write};
use std::path::PathBuf;

use clap::{ArgGroup, CommandFactory, Parser};
use clap_complete::Shell;

use crate::audit::{self, FindingSet};

const EXAMPLES: &str = "\
Examples:
  statree /usr                      browse /usr while it is being scanned
  statree --list /etc               every entry under /etc, one a line
  statree --json /srv > srv.jsonl   full stat records as JSON Lines
  statree --summary -x /            totals for the root filesystem only
  statree --summary -j 1 /usr       the same scan on a single worker thread
  statree --list ~/a ~/b            two roots scanned concurrently
  statree -o - /srv | ncdu -f-      scan here, browse the export in ncdu
  ssh host statree -o - / | statree -f -   scan there, browse here (read-only)
  statree --audit /usr              setuid files, world-writable entries, ... by finding
  statree --audit=setuid,capabilities --list /usr   just those, one a line
  statree --json / > base.jsonl                     a baseline to compare with later
  statree --audit --baseline base.jsonl /           findings new or changed since

Exit status: 0 when every entry was read, 1 when some entries had errors
(the output is complete for the rest), 2 for bad usage (a malformed
--baseline included). Audit findings are not errors.";

/// `--version`: the crate version and the commit built from (`-dirty` when
/// tracked files had changes; `unknown` outside a git checkout).
const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (commit ", env!("STATREE_COMMIT"), ")");

/// statree: see a filesystem — a parallel scan with every field of stat.
#[derive(Debug, Parser)]
#[command(name = "statree", version = VERSION, about, after_help = EXAMPLES)]
#[command(group(ArgGroup::new("output").args(["list", "json", "summary", "export"])))]
#[command(group(
    ArgGroup::new("print")
        .args(["print_default_config", "completions", "man"])
        .conflicts_with_all([
            "output", "paths", "cwd_file", "threads", "follow_links", "one_file_system", "audit",
            "baseline", "chooser_file", "chooser_file0", "import",
        ])
))]
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

    /// Write the scan as an ncdu export (JSON, format 1.2, with uid, gid,
    /// mode, mtime) to FILE (`-`: standard output), which `ncdu -f` and
    /// `gdu -f` open. One PATH only.
    #[arg(short = 'o', long, value_name = "FILE", conflicts_with_all(["audit", "baseline"]))]
    pub export: Option<PathBuf>,

    /// Read a recorded scan instead of scanning: an ncdu export (ncdu's,
    /// gdu's or statree's `-o`) or statree's `--json` output, from FILE
    /// (`-`: standard input). The view
    /// opens it read-only; --summary, --list, --audit, --baseline and -o
    /// take it in place of a scan.
    #[arg(
        short = 'f',
        long = "import",
        value_name = "FILE",
        conflicts_with_all(["paths", "json", "threads", "follow_links", "one_file_system", "cwd_file"])
    )]
    pub import: Option<PathBuf>,

    /// Worker threads for the scan [default: one per core].
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: Option<u16>,

    /// Follow symbolic links (loops are detected and reported, never walked).
    #[arg(short = 'L', long)]
    pub follow_links: bool,

    /// Do not cross into other filesystems (mount points are listed, not entered).
    #[arg(short = 'x', long)]
    pub one_file_system: bool,

    /// Security audit: only entries with findings. Alone, prints a report
    /// grouped by finding; with --summary, a count per finding; with --list
    /// or --json, only those entries (--json records gain "findings"). Exit
    /// status as usual: findings are not errors. IDS, comma-separated
    /// (default: all): setuid-root, world-writable-dir-no-sticky,
    /// writable-by-group-or-other-executable, hardlinked-setuid, setuid,
    /// setgid, capabilities, world-writable, orphan-owner,
    /// symlink-outside-root, acl, dangling-symlink, unreadable.
    #[arg(
        long,
        value_name = "IDS",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "all",
        value_delimiter = ',',
        value_parser = audit::parse_selection_item,
    )]
    pub audit: Option<Vec<FindingSet>>,

    /// Only what is new, changed (type, mode, owner, group, findings) or
    /// removed since FILE, an earlier --json output. Without an output flag,
    /// the interactive view's audit panel (!) offers it as a filter.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// On quit, write the directory of the selected entry to FILE (for a shell
    /// function that changes into it).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["output", "audit"])]
    pub cwd_file: Option<PathBuf>,

    /// File picker: Enter on a file (or, with marks, on anything) writes the
    /// absolute paths of the file or the marked entries to FILE, one a line,
    /// and quits. A name holding a newline is refused (use --chooser-file0).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["output", "audit", "chooser_file0"])]
    pub chooser_file: Option<PathBuf>,

    /// As --chooser-file, each path followed by a NUL byte instead: every
    /// name, however hostile, comes back exactly.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["output", "audit"])]
    pub chooser_file0: Option<PathBuf>,

    /// Print the default config file (every option, commented) and exit.
    #[arg(long)]
    pub print_default_config: bool,

    /// Print a completion script for SHELL and exit.
    #[arg(long, value_name = "SHELL")]
    pub completions: Option<Shell>,

    /// Print the man page (roff) and exit.
    #[arg(long)]
    pub man: bool,

    /// Append a diagnostic log to FILE (never to the terminal). Level from
    /// STATREE_LOG (error, warn, info, debug, trace), else debug. STATREE_LOG
    /// alone logs to statree/statree.log under the XDG state directory.
    #[arg(long, value_name = "FILE")]
    pub log: Option<PathBuf>,
}

impl Cli {
    /// The roots to scan (`.` when none was given).
    pub fn roots(&self) -> Vec<PathBuf> {
        if self.paths.is_empty() { vec![PathBuf::from(".")] } else { self.paths.clone() }
    }

    /// The chooser file and whether it is NUL-separated, when one is asked for.
    pub fn chooser(&self) -> Option<(PathBuf, bool)> {
        match (&self.chooser_file, &self.chooser_file0) {
            (Some(file), _) => Some((file.clone(), false)),
            (None, Some(file)) => Some((file.clone(), true)),
            (None, None) => None,
        }
    }

    /// The findings `--audit` selected, `None` without it.
    pub fn audit_selection(&self) -> Option<FindingSet> {
        self.audit
            .as_ref()
            .map(|sets| sets.iter().fold(FindingSet::EMPTY, |all, set| all.union(*set)))
    }
}

/// Writes the completion script for `shell`, generated from [`Cli`].
pub fn write_completions(shell: Shell, out: &mut dyn Write) -> io::Result<()> {
    // clap_complete panics when its writer fails; generating into memory
    // first turns a closed stdout into an error like any other.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "statree", &mut script);
    out.write_all(&script)
}

/// Writes the man page (roff): the options generated from [`Cli`] by
/// clap_mangen, then KEYS from the key table, FILES and ENVIRONMENT, then
/// the examples.
pub fn write_man(out: &mut dyn Write) -> io::Result<()> {
    let man = clap_mangen::Man::new(Cli::command());
    man.render_title(out)?;
    man.render_name_section(out)?;
    man.render_synopsis_section(out)?;
    man.render_description_section(out)?;
    man.render_options_section(out)?;
    out.write_all(man_page::sections().to_roff().as_bytes())?;
    man.render_extra_section(out)?;
    man.render_version_section(out)
}

mod man_page;

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("statree").chain(args.iter().copied()))
    }

    #[test]
    fn the_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn bash_completions_know_the_flags() {
        let mut out = Vec::new();
        write_completions(Shell::Bash, &mut out).unwrap();
        let script = String::from_utf8(out).unwrap();
        assert!(script.contains("--summary"), "{script}");
        assert!(script.contains("--cwd-file"));
        assert!(script.contains("statree"));
    }

    #[test]
    fn every_shell_gets_a_script() {
        for shell in [Shell::Bash, Shell::Zsh, Shell::Fish, Shell::Elvish, Shell::PowerShell] {
            let mut out = Vec::new();
            write_completions(shell, &mut out).unwrap();
            assert!(String::from_utf8(out).unwrap().contains("one-file-system"), "{shell}");
        }
    }

    #[test]
    fn the_man_page_is_roff_with_every_flag() {
        let mut out = Vec::new();
        write_man(&mut out).unwrap();
        let page = String::from_utf8(out).unwrap();
        assert!(page.contains(".TH"), "{page}");
        // roff escapes hyphens as "\-".
        let plain = page.replace("\\-", "-");
        for flag in
            ["--one-file-system", "--cwd-file", "--print-default-config", "--completions", "--man"]
        {
            assert!(plain.contains(flag), "{flag} missing from the man page");
        }
    }

    #[test]
    fn write_errors_are_returned_not_panicked() {
        struct Closed;
        impl Write for Closed {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::ErrorKind::BrokenPipe.into())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        assert!(write_completions(Shell::Bash, &mut Closed).is_err());
        assert!(write_man(&mut Closed).is_err());
    }

    #[test]
    fn print_and_exit_flags_need_no_path() {
        let cli = parse(&["--completions", "fish"]).unwrap();
        assert_eq!(cli.completions, Some(Shell::Fish));
        assert!(cli.paths.is_empty());
        for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
            assert!(parse(&["--completions", shell]).is_ok(), "{shell}");
        }
        assert!(parse(&["--completions", "tcsh"]).is_err());
        assert!(parse(&["--man"]).unwrap().man);
        assert!(parse(&["--print-default-config"]).unwrap().print_default_config);
    }

    #[test]
    fn print_and_exit_flags_conflict_with_scanning() {
        for args in [
            &["--man", "--list"][..],
            &["--man", "/tmp"],
            &["--completions", "bash", "--json"],
            &["--print-default-config", "--summary"],
            &["--print-default-config", "--man"],
            &["--man", "-x"],
            &["--man", "--cwd-file", "/tmp/x"],
        ] {
            let err = parse(args).unwrap_err();
            assert_eq!(err.kind(), clap::error::ErrorKind::ArgumentConflict, "{args:?}");
        }
    }

    #[test]
    fn audit_takes_optional_ids() {
        let cli = parse(&["--audit", "/usr"]).unwrap();
        assert_eq!(cli.audit_selection(), Some(FindingSet::all()));
        assert_eq!(cli.roots(), [PathBuf::from("/usr")]);
        let cli = parse(&["--audit=setuid,world-writable", "--list"]).unwrap();
        assert_eq!(cli.audit_selection().unwrap().ids(), ["setuid", "world-writable"]);
        let cli = parse(&["--audit=acl", "--audit=setgid"]).unwrap();
        assert_eq!(cli.audit_selection().unwrap().ids(), ["setgid", "acl"]);
        assert_eq!(parse(&["/usr"]).unwrap().audit_selection(), None);
        let err = parse(&["--audit=setuid,suid"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::ValueValidation);
        let text = err.to_string();
        assert!(text.contains("suid") && text.contains("hardlinked-setuid"), "{text}");
    }

    #[test]
    fn baseline_goes_with_an_output_or_the_browser() {
        assert!(parse(&["--baseline", "b.jsonl", "--json"]).is_ok());
        assert!(parse(&["--baseline", "b.jsonl", "--audit"]).is_ok());
        let browse = parse(&["--baseline", "b.jsonl", "--cwd-file", "/tmp/x", "/usr"]).unwrap();
        assert_eq!(browse.baseline.as_deref(), Some(std::path::Path::new("b.jsonl")));
        assert!(parse(&["--baseline", "b", "--man"]).is_err());
        assert!(parse(&["--audit", "--cwd-file", "/tmp/x"]).is_err());
    }

    #[test]
    fn the_audit_help_names_every_finding() {
        // The ids in --audit's help are written out by hand: this keeps them
        // in step with the audit's table.
        let help = Cli::command().render_long_help().to_string();
        for finding in audit::Finding::ALL {
            assert!(help.contains(finding.id()), "{} missing from --audit's help", finding.id());
        }
    }

    #[test]
    fn chooser_files_are_for_the_browser_one_at_a_time() {
        let cli = parse(&["--chooser-file", "/tmp/c", "/etc"]).unwrap();
        assert_eq!(cli.chooser(), Some((PathBuf::from("/tmp/c"), false)));
        let cli = parse(&["--chooser-file0", "/tmp/c", "--cwd-file", "/tmp/d"]).unwrap();
        assert_eq!(cli.chooser(), Some((PathBuf::from("/tmp/c"), true)));
        assert_eq!(parse(&["/etc"]).unwrap().chooser(), None);
        for args in [
            &["--chooser-file", "a", "--chooser-file0", "b"][..],
            &["--chooser-file", "a", "--list"],
            &["--chooser-file0", "a", "--audit"],
            &["--chooser-file", "a", "--man"],
        ] {
            let err = parse(args).unwrap_err();
            assert_eq!(err.kind(), clap::error::ErrorKind::ArgumentConflict, "{args:?}");
        }
    }

    #[test]
    fn log_takes_a_file_with_any_mode() {
        assert_eq!(parse(&["--log", "/tmp/s.log"]).unwrap().log, Some(PathBuf::from("/tmp/s.log")));
        assert!(parse(&["--log", "x.log", "--json", "/usr"]).is_ok());
        assert!(parse(&["--log", "x.log", "--man"]).is_ok());
        assert!(parse(&["--log"]).is_err(), "FILE is required");
    }

    #[test]
    fn the_man_page_has_keys_files_and_environment() {
        let mut out = Vec::new();
        write_man(&mut out).unwrap();
        let page = String::from_utf8(out).unwrap();
        let at = |s: &str| page.find(s).unwrap_or_else(|| panic!("{s} missing:\n{page}"));
        // After the options, before the examples.
        assert!(at(".SH OPTIONS") < at(".SH KEYS"));
        assert!(at(".SH KEYS") < at(".SH FILES"));
        assert!(at(".SH FILES") < at(".SH ENVIRONMENT"));
        for name in ["STATREE_CONFIG", "OPENER", "PAGER", "EDITOR", "NO_COLOR", "config.toml"] {
            assert!(page.contains(name), "{name} missing");
        }
    }

    #[test]
    fn cwd_file_is_for_the_browser() {
        let cli = parse(&["--cwd-file", "/tmp/out", "/etc"]).unwrap();
        assert_eq!(cli.cwd_file, Some(PathBuf::from("/tmp/out")));
        assert_eq!(cli.roots(), [PathBuf::from("/etc")]);
        assert!(parse(&["--cwd-file", "/tmp/out", "--list"]).is_err());
    }
}
