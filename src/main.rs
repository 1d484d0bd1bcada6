//! The `statree` binary: parse arguments, then either print something and
//! exit, run a non-interactive output (the audit report included), or open
//! the interface. Exit status: 0 clean, 1 when some entries had errors (or a
//! fatal error), 2 for bad usage (an unreadable or malformed baseline
//! included, and the interface asked for with no terminal or `TERM=dumb`).
//! Findings are not errors.

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use statree::audit::Baseline;
use statree::cli::{self, Cli};
use statree::config;
use statree::import::Import;
use statree::output::audit::Filter;
use statree::output::{self, Mode, Outcome};
use statree::scan::ScanOptions;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut err = io::stderr();
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
    let opened = if from_stdin && viewing && !io::stdin().is_terminal() {
        match stdin_for_keys() {
            Ok((fd, path)) => {
                _piped = Some(fd);
                Some(Import::open_as(&path, std::path::Path::new("-")))
            }
            Err(e) => {
                let _ = writeln!(err, "statree: -f -: no terminal for the keys: {e}");
                return ExitCode::from(2);
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
            return ExitCode::from(1);
        }
    };
    if let Some(import) = &import {
        options.roots = vec![import.root.clone()];
        options.source = Some(import.source.clone());
    }
    let code = run(&cli, options, out, &mut err);
    match import.and_then(|i| i.failure()) {
        // What was read before it was output; the read itself failed.
        Some(failure) => {
            let _ = writeln!(err, "statree: {failure}");
            ExitCode::from(1)
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

/// Runs the output, or the interface, that the flags ask for.
fn run(
    cli: &Cli,
    options: ScanOptions,
    mut out: io::BufWriter<io::StdoutLock<'_>>,
    err: &mut io::Stderr,
) -> ExitCode {
    let audit = cli.audit_selection();
    // Read before the terminal opens, for the outputs and the interface alike.
    let baseline = match cli.baseline.as_deref().map(Baseline::load).transpose() {
        Ok(baseline) => baseline,
        Err(e) => {
            let _ = writeln!(err, "statree: {e}");
            return ExitCode::from(2);
        }
    };
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
            return ExitCode::from(2);
        }
        // A dumb terminal has no cursor addressing, alternate screen or
        // colour: refuse before writing a single escape to it.
        if std::env::var_os("TERM").is_some_and(|t| t == "dumb") {
            let _ = writeln!(
                err,
                "statree: TERM=dumb cannot show the interactive view; use --list, --json or \
                 --summary, or set TERM to your terminal's type"
            );
            return ExitCode::from(2);
        }
        let result = statree::tui::start_with_baseline(options, cli.cwd_file.as_deref(), baseline)
            .map(|()| Outcome::Clean);
        return finish(result, err);
    };
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
) -> ExitCode {
    if cli.paths.len() > 1 {
        let _ = writeln!(err, "statree: --export takes one PATH");
        return ExitCode::from(2);
    }
    if file.as_os_str() == "-" {
        return finish(output::run_export(options, out, err), err);
    }
    let mut target = match std::fs::File::create(file) {
        Ok(f) => io::BufWriter::with_capacity(1 << 16, f),
        Err(e) => {
            let _ = writeln!(err, "statree: {}: {e}", statree::sanitize::path(file));
            return ExitCode::from(1);
        }
    };
    finish(output::run_export(options, &mut target, err), err)
}

fn finish(result: io::Result<Outcome>, err: &mut dyn Write) -> ExitCode {
    match result {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::SomeErrors) => ExitCode::from(1),
        // The reader went away (`statree --list | head`): not a failure of ours.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(err, "statree: {e}");
            ExitCode::from(1)
        }
    }
}
