//! `--chooser-file FILE` / `--chooser-file0 FILE`: the chosen paths, written
//! once the terminal is restored, as raw bytes (no escaping: a program reads
//! them, no terminal shows them), each followed by a newline or a NUL.

use std::io::{self, Write};
use std::os::unix::ffi::OsStrExt;

use crate::sanitize;
use crate::view::State;

/// Writes what was chosen, if anything was; an error names the file. A
/// quit without a choice leaves the file as it was.
pub fn write_chosen(state: &State) -> io::Result<()> {
    let (Some(chooser), Some(chosen)) = (&state.open.chooser, &state.open.chosen) else {
        return Ok(());
    };
    let separator = if chooser.nul { b'\0' } else { b'\n' };
    let mut bytes = Vec::new();
    for path in chosen {
        bytes.extend_from_slice(path.as_os_str().as_bytes());
        bytes.push(separator);
    }
    let named = |e: io::Error| {
        io::Error::new(e.kind(), format!("chooser file {}: {e}", sanitize::path(&chooser.file)))
    };
    let mut file = std::fs::File::create(&chooser.file).map_err(named)?;
    file.write_all(&bytes).and_then(|()| file.flush()).map_err(named)
}
