//! The `statree` binary: parse arguments, then either print something and
//! exit, run a non-interactive output (the audit report included), or open
//! the interface. Exit status: 0 clean, 1 when some entries had errors (or a
//! fatal error), 2 for bad usage (an unreadable or malformed baseline
//! included, and the interface asked for with no terminal or `TERM=dumb`).
//! Findings are not errors.

// No unsafe code of ours: the syscalls std lacks go through rustix.
#![forbid(unsafe_code)]

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use statree::audit::Baseline;
use statree::cli::{self, Cli};
use statree::config;
use statree::import::Import;
use statree::logging;
use statree::output::audit::Filter;
use statree::output::{self, Mode, Outcome};
use statree::scan::ScanOptions;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Before any thread exists: from here on a syscall that never returns
    // (a hung mount) cannot keep the shell waiting once statree is done.
    statree::detach::split();
    // Still before any thread: under `ulimit -v` all of them share one
    // malloc arena, so running out of memory stops the scan cleanly.
    statree::arenas::one_arena_under_an_address_limit();
    let code = run(cli);
    // Everything is written and the terminal restored: the shell may go on,
    // even while a worker is stuck in a syscall (see `statree::detach`).
    let _ = io::stdout().flush();
    statree::detach::done(code);
    ExitCode::from(code)
}

fn run(cli: Cli) -> u8 {
    let mut err = io::stderr();
    // Before anything else, so it sees all that follows. A log that cannot
    // be opened is said here, while the terminal is still plain.
    if let Err(e) = logging::init(cli.log.as_deref()) {
        let _ = writeln!(err, "statree: {e}");
        return 2;
    }
    log::info!(
        "statree {} (commit {}) pid {}: {}",
        env!("CARGO_PKG_VERSION"),
        env!("STATREE_COMMIT"),
        std::process::id(),
        logging::capped(&cli)
    );
    let stdout = io::stdout();
    let mut out = io::BufWriter::with_capacity(1 << 16, stdout.lock());

    let printed = if cli.print_default_config {
        Some(out.write_all(config::DEFAULT_CONFIG.as_bytes()))
    } else if let Some(shell) = cli.completions {
        Some(cli::write_completions(shell, &mut out))
    } else if cli.man {
        Some(cli::write_man(&mut out))
    } else {
        None
    };
    if let Some(result) = printed {
        return finish(result.and_then(|()| out.flush()).map(|()| Outcome::Clean), &mut err);
    }

    let mut options = ScanOptions {
        threads: cli.threads.map_or(0, usize::from),
        follow_links: cli.follow_links,
        one_file_system: cli.one_file_system,
        ..ScanOptions::new(cli.roots())
    };
    // `-f -` with the view: the export comes on standard input, the keys
    // must come from the terminal; the export is read through another
    // descriptor and standard input becomes the terminal.
    let viewing =
        !(cli.list || cli.json || cli.summary || cli.export.is_some()) && cli.audit.is_none();
    let mut _piped = None;
    let from_stdin = cli.import.as_deref().is_some_and(|f| f.as_os_str() == "-");
    if from_stdin && baseline_from_stdin(&cli) {
        let _ = writeln!(err, "statree: standard input can feed -f - or --baseline -, not both");
        return 2;
    }
    let opened = if from_stdin && viewing && !io::stdin().is_terminal() {
        match stdin_for_keys() {
            Ok((fd, path)) => {
                _piped = Some(fd);
                Some(Import::open_as(&path, std::path::Path::new("-")))
            }
            Err(e) => {
                let _ = writeln!(err, "statree: -f -: no terminal for the keys: {e}");
                return 2;
            }
        }
    } else {
        cli.import.as_deref().map(Import::open)
    };
    // `-f`: the recorded scan takes the place of the walk, for every output.
    let import = match opened.transpose() {
        Ok(import) => import,
        Err(e) => {
            let _ = writeln!(err, "statree: {e}");
            return 1;
        }
    };
    if let Some(import) = &import {
        options.roots = vec![import.root.clone()];
        options.source = Some(import.source.clone());
    }
    let code = run_mode(&cli, options, out, &mut err);
    match import.and_then(|i| i.failure()) {
        // What was read before it was output; the read itself failed.
        Some(failure) => {
            let _ = writeln!(err, "statree: {failure}");
            1
        }
        None => code,
    }
}

/// Moves standard input to another descriptor (returned, with a path that
/// opens it) and puts the controlling terminal in its place.
fn stdin_for_keys() -> io::Result<(std::os::fd::OwnedFd, std::path::PathBuf)> {
    use std::os::fd::AsRawFd;
    let piped = rustix::io::fcntl_dupfd_cloexec(rustix::stdio::stdin(), 3)?;
    let tty = rustix::fs::open(
        "/dev/tty",
        rustix::fs::OFlags::RDWR | rustix::fs::OFlags::NOCTTY | rustix::fs::OFlags::CLOEXEC,
        rustix::fs::Mode::empty(),
    )?;
    rustix::stdio::dup2_stdin(&tty)?;
    let path = std::path::PathBuf::from(format!("/proc/self/fd/{}", piped.as_raw_fd()));
    Ok((piped, path))
}

/// Whether `--baseline -` asks for standard input.
fn baseline_from_stdin(cli: &Cli) -> bool {
    cli.baseline.as_deref().is_some_and(|b| b.as_os_str() == "-")
}

/// Puts the controlling terminal in the place of standard input (read to
/// its end already).
fn keys_from_tty() -> io::Result<()> {
    let tty = rustix::fs::open(
        "/dev/tty",
        rustix::fs::OFlags::RDWR | rustix::fs::OFlags::NOCTTY | rustix::fs::OFlags::CLOEXEC,
        rustix::fs::Mode::empty(),
    )?;
    rustix::stdio::dup2_stdin(&tty)?;
    Ok(())
}

/// Runs the output, or the interface, that the flags ask for.
fn run_mode(
    cli: &Cli,
    options: ScanOptions,
    mut out: io::BufWriter<io::StdoutLock<'_>>,
    err: &mut io::Stderr,
) -> u8 {
    let audit = cli.audit_selection();
    // Read before the terminal opens, for the outputs and the interface alike.
    let baseline = match cli.baseline.as_deref().map(Baseline::load).transpose() {
        Ok(baseline) => baseline,
        Err(e) => {
            log::error!("baseline: {e}");
            let _ = writeln!(err, "statree: {e}");
            return 2;
        }
    };
    // `--baseline -` with the view: the baseline came on standard input,
    // the keys must come from the terminal.
    if baseline_from_stdin(cli) && !io::stdin().is_terminal() && cli.audit.is_none() {
        let viewing = !(cli.list || cli.json || cli.summary || cli.export.is_some());
        if viewing && let Err(e) = keys_from_tty() {
            let _ = writeln!(err, "statree: --baseline -: no terminal for the keys: {e}");
            return 2;
        }
    }
    if let Some(file) = &cli.export {
        return export(cli, options, file, &mut out, err);
    }
    let mode = if cli.list {
        Mode::List
    } else if cli.json {
        Mode::Json
    } else if cli.summary {
        Mode::Summary
    } else if audit.is_some() {
        Mode::Report
    } else {
        drop(out);
        if !io::stdout().is_terminal() || !io::stdin().is_terminal() {
            let _ = writeln!(
                err,
                "statree: the interactive view needs a terminal; use --list, --json or --summary"
            );
            return 2;
        }
        // A dumb terminal has no cursor addressing, alternate screen or
        // colour: refuse before writing a single escape to it.
        if std::env::var_os("TERM").is_some_and(|t| t == "dumb") {
            let _ = writeln!(
                err,
                "statree: TERM=dumb cannot show the interactive view; use --list, --json or \
                 --summary, or set TERM to your terminal's type"
            );
            return 2;
        }
        log::info!("interactive view");
        let chooser = cli.chooser().map(|(file, nul)| statree::view::open::Chooser { file, nul });
        let result =
            statree::tui::start_choosing(options, cli.cwd_file.as_deref(), baseline, chooser)
                .map(|()| Outcome::Clean);
        return finish(result, err);
    };
    log::info!("output: {mode:?}");
    let filter = Filter { audit, baseline };
    finish(output::run_filtered(mode, options, filter, &mut out, err), err)
}

/// `-o FILE`: one root, written to FILE or (`-`) standard output.
fn export(
    cli: &Cli,
    options: ScanOptions,
    file: &std::path::Path,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    if cli.paths.len() > 1 {
        let _ = writeln!(err, "statree: --export takes one PATH");
        return 2;
    }
    if file.as_os_str() == "-" {
        return finish(output::run_export(options, out, err), err);
    }
    let mut target = match std::fs::File::create(file) {
        Ok(f) => io::BufWriter::with_capacity(1 << 16, f),
        Err(e) => {
            let _ = writeln!(err, "statree: {}: {e}", statree::sanitize::path(file));
            return 1;
        }
    };
    finish(output::run_export(options, &mut target, err), err)
}

fn finish(result: io::Result<Outcome>, err: &mut dyn Write) -> u8 {
    match &result {
        Ok(outcome) => log::info!("exit: {outcome:?}"),
        Err(e) => log::error!("exit: {e}"),
    }
    match result {
        Ok(Outcome::Clean) => 0,
        Ok(Outcome::SomeErrors) => 1,
        // The reader went away (`statree --list | head`): not a failure of ours.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => 0,
        Err(e) => {
            let _ = writeln!(err, "statree: {e}");
            1
        }
    }
}
