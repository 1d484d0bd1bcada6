//! The runner that does everything here, to the end, before the call
//! returns: what the tests drive, so an answer is there when they look.

use std::cell::RefCell;
use std::io;

use super::external::Programs;
use super::inspect::LoadKind;
use super::{ExternalRequest, Job, Outbox, Runner};
use crate::names::OwnerNames;
use crate::view::Msg;

/// Runs jobs on the calling thread.
#[derive(Default)]
pub struct Inline {
    names: OwnerNames,
}

/// Collects a job's messages.
struct Collected(RefCell<Vec<Msg>>);

impl Outbox for Collected {
    fn send(&self, msg: Msg) -> bool {
        self.0.borrow_mut().push(msg);
        true
    }

    /// Progress of a job that is over when the call returns tells nothing.
    fn offer(&self, _msg: Msg) {}
}

impl Runner for Inline {
    fn spawn(&mut self, _name: &'static str, job: Job) -> io::Result<Vec<Msg>> {
        let out = Collected(RefCell::new(Vec::new()));
        job(&out);
        Ok(out.0.into_inner())
    }

    fn load(&mut self, _kind: LoadKind, job: Job) -> io::Result<Vec<Msg>> {
        self.spawn("statree-inspect", job)
    }

    fn resolve_owner(&mut self, uid: u32, gid: u32) -> Vec<Msg> {
        let user = self.names.user(uid).map(str::to_owned);
        let group = self.names.group(gid).map(str::to_owned);
        vec![Msg::OwnerResolved { uid, user, gid, group }]
    }

    /// No queue: the step runs as part of the effects of this call.
    fn post(&mut self, msg: Msg) -> Vec<Msg> {
        vec![msg]
    }

    /// Runs the program without a terminal hand-over.
    fn open_external(&mut self, programs: &Programs, request: ExternalRequest) -> Vec<Msg> {
        let result = request.run(programs);
        request.done(result, true)
    }
}
