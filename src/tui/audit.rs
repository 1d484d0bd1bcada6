//! The audit pass: a second scan of the same roots that gathers xattrs and
//! symlink facts, started the first time the audit panel opens (a plain scan
//! leaves them out: they make it about 1.6 times as costly).

use std::io;
use std::path::PathBuf;

use crossbeam_channel::Sender;

use crate::scan::{self, AuditScan, ScanCanceller, ScanEvent, ScanOptions};
use crate::view::{Effect, Msg, State, update};

/// The options of the pass.
pub fn pass_options(roots: Vec<PathBuf>, follow_links: bool, one_file_system: bool) -> ScanOptions {
    ScanOptions {
        follow_links,
        one_file_system,
        background: true,
        audit: AuditScan::all(),
        ..ScanOptions::new(roots)
    }
}

/// Runs the pass on a thread of its own that forwards every event as
/// [`Msg::AuditPass`]; the thread (and the scan) stop when the interface
/// stops listening or cancels the pass with the returned canceller.
pub fn spawn(options: ScanOptions, tx: Sender<Msg>) -> io::Result<ScanCanceller> {
    let handle = scan::start(options)?;
    let canceller = handle.canceller();
    std::thread::Builder::new().name("statree-audit".into()).spawn(move || {
        for event in handle.events().iter() {
            let finished = matches!(event, ScanEvent::Finished { .. });
            if tx.send(Msg::AuditPass(event)).is_err() || finished {
                break;
            }
        }
        drop(handle);
    })?;
    Ok(canceller)
}

/// Runs the pass to the end on this thread (tests, where the answer must be
/// there after the call). Returns the effects the updates asked for.
pub fn run_inline(state: &mut State, options: ScanOptions) -> Vec<Effect> {
    let mut effects = Vec::new();
    let handle = match scan::start(options) {
        Ok(handle) => handle,
        Err(e) => {
            state.error(format!("audit scan: {e}"));
            return update(
                state,
                Msg::AuditPass(ScanEvent::Finished { elapsed: Default::default() }),
            );
        }
    };
    for event in handle.events().iter() {
        let finished = matches!(event, ScanEvent::Finished { .. });
        effects.extend(update(state, Msg::AuditPass(event)));
        if finished {
            break;
        }
    }
    effects
}
