//! The `statree` binary: parse arguments, run the chosen output, map the
//! outcome to the exit status (0 clean, 1 some entries had errors, 2 usage).

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;
use statree::cli::Cli;
use statree::output::{self, Mode, Outcome};
use statree::scan::ScanOptions;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mode = if cli.json {
        Mode::Json
    } else if cli.summary {
        Mode::Summary
    } else {
        // Until the interactive view exists, no output flag means the listing.
        Mode::List
    };
    let options = ScanOptions {
        threads: cli.threads.map_or(0, usize::from),
        follow_links: cli.follow_links,
        one_file_system: cli.one_file_system,
        ..ScanOptions::new(cli.roots())
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut err = io::stderr();
    match output::run(mode, options, &mut out, &mut err) {
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
