//! statree's own `--json` output as an import: not read yet (see the
//! README); the error says so at the first byte.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::ImportError;
use super::lexer::Lexer;
use crate::scan::source::Source;

/// Opens a `--json` stream.
pub fn open(
    file: &Path,
    _lex: Lexer,
    _failure: Arc<Mutex<Option<ImportError>>>,
) -> Result<(Source, PathBuf), ImportError> {
    Err(ImportError {
        file: file.to_path_buf(),
        offset: 0,
        reason: "statree --json output cannot be imported yet; use an ncdu export (-o)".into(),
    })
}
