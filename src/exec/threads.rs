//! The runner of the interface: each job on a thread of its own, answering
//! on the loop's channel; owner names on one long-lived thread fed through
//! a bounded queue.

use std::io;

use crossbeam_channel::Sender;

use super::external::Programs;
use super::inspect::{LoadKind, Loader};
use super::{ExternalRequest, Job, Outbox, Runner};
use crate::names::OwnerNames;
use crate::view::Msg;

/// Owner-name lookups that may wait for the name thread: more than the
/// distinct owners of most trees (each id is asked once). A lookup that
/// finds the queue full is dropped; selecting an entry with that owner asks
/// again.
const NAME_QUEUE: usize = 4096;

/// Runs jobs on threads answering on the loop's channel.
pub struct Threads {
    tx: Sender<Msg>,
    names: Sender<(u32, u32)>,
    /// The selection's reads.
    loader: Loader,
    /// Editor/pager runs the loop must do with the terminal handed over.
    external: Vec<ExternalRequest>,
}

impl Outbox for Sender<Msg> {
    fn send(&self, msg: Msg) -> bool {
        Sender::send(self, msg).is_ok()
    }

    fn offer(&self, msg: Msg) {
        let _ = self.try_send(msg);
    }
}

impl Threads {
    /// Starts the name thread; every answer goes to `tx`.
    pub fn start(tx: Sender<Msg>) -> io::Result<Self> {
        let (names, rx) = crossbeam_channel::bounded::<(u32, u32)>(NAME_QUEUE);
        let answers = tx.clone();
        std::thread::Builder::new().name("statree-names".into()).spawn(move || {
            let mut names = OwnerNames::new();
            for (uid, gid) in rx {
                let user = names.user(uid).map(str::to_owned);
                let group = names.group(gid).map(str::to_owned);
                if answers.send(Msg::OwnerResolved { uid, user, gid, group }).is_err() {
                    break;
                }
            }
        })?;
        let loader = Loader::new(tx.clone());
        Ok(Threads { tx, names, loader, external: Vec::new() })
    }

    /// Takes the editor/pager runs waiting for the terminal.
    pub fn take_external(&mut self) -> Vec<ExternalRequest> {
        std::mem::take(&mut self.external)
    }

    /// True while an editor/pager run waits for the terminal.
    pub fn has_external(&self) -> bool {
        !self.external.is_empty()
    }
}

impl Runner for Threads {
    fn spawn(&mut self, name: &'static str, job: Job) -> io::Result<Vec<Msg>> {
        let tx = self.tx.clone();
        std::thread::Builder::new().name(name.into()).spawn(move || job(&tx))?;
        Ok(Vec::new())
    }

    fn load(&mut self, kind: LoadKind, job: Job) -> io::Result<Vec<Msg>> {
        self.loader.load(kind, job)?;
        Ok(Vec::new())
    }

    fn resolve_owner(&mut self, uid: u32, gid: u32) -> Vec<Msg> {
        // Full: dropped (see NAME_QUEUE). Gone: the loop is ending.
        let _ = self.names.try_send((uid, gid));
        Vec::new()
    }

    fn post(&mut self, msg: Msg) -> Vec<Msg> {
        // Full or gone: answered now (one step's bounded work) rather than lost.
        match self.tx.try_send(msg) {
            Ok(()) => Vec::new(),
            Err(e) => vec![e.into_inner()],
        }
    }

    /// The loop runs it once it has handed the terminal over.
    fn open_external(&mut self, _programs: &Programs, request: ExternalRequest) -> Vec<Msg> {
        self.external.push(request);
        Vec::new()
    }
}
