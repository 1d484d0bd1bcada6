//! Opening the owner editor, its keys in the interface, and the names
//! arriving from the system database.

use ratatui::crossterm::event::KeyEvent;

use super::{Accounts, ChownRequest, OwnerEditor, OwnerOutcome};
use crate::view::actions::{run, targets};
use crate::view::msg::Effect;
use crate::view::request::{OpRequest, confirm_keys_line};
use crate::view::state::{Confirm, Mode, State};

/// `O`: the owner editor for the marked entries or the selection; the names
/// of the system database are loaded off the interface's thread.
pub fn start(state: &mut State) -> Vec<Effect> {
    if let Some(running) = &state.jobs.running {
        let label = running.label;
        state.error(format!("{label} is still running: wait, or Esc to cancel it"));
        return Vec::new();
    }
    match targets(state) {
        Ok(targets) => {
            state.mode = Mode::Owner(Box::new(OwnerEditor::new(targets)));
            vec![Effect::LoadAccounts]
        }
        Err(why) => {
            state.error(why);
            Vec::new()
        }
    }
}

/// The names arrived.
pub fn on_accounts(state: &mut State, accounts: Accounts) {
    if let Mode::Owner(editor) = &mut state.mode {
        editor.accounts = Some(accounts);
        state.screen.needs_draw = true;
    }
}

/// Keys of the owner editor.
pub fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Mode::Owner(editor) = &mut state.mode else { return Vec::new() };
    match editor.on_key(key) {
        OwnerOutcome::Continue => Vec::new(),
        OwnerOutcome::Cancel => {
            state.mode = Mode::Normal;
            state.message("cancelled: no owner changed");
            Vec::new()
        }
        OwnerOutcome::Invalid(why) => {
            state.error(why);
            Vec::new()
        }
        OwnerOutcome::Apply(request) if request.recursive.is_some() => {
            // A recursive change touches what was never shown: ask first.
            let lines = confirm_lines(&request);
            let request = OpRequest::Chown(request);
            state.mode = Mode::Confirm(Confirm {
                title: "Change owner recursively?".into(),
                lines,
                request,
                scroll: 0,
                danger: false,
            });
            Vec::new()
        }
        OwnerOutcome::Apply(request) => {
            state.mode = Mode::Normal;
            run(state, OpRequest::Chown(request))
        }
    }
}

/// The lines of the recursive change's confirmation.
fn confirm_lines(request: &ChownRequest) -> Vec<String> {
    let mut lines: Vec<String> = request
        .targets
        .iter()
        .take(crate::view::request::LISTED_NAMES)
        .map(|t| format!("  {}", crate::sanitize::path(&t.path)))
        .collect();
    if request.targets.len() > crate::view::request::LISTED_NAMES {
        lines.push(format!(
            "  … and {} more",
            request.targets.len() - crate::view::request::LISTED_NAMES
        ));
    }
    let ids = |id: Option<u32>| id.map_or("unchanged".to_string(), |i| i.to_string());
    let scope = match request.recursive {
        Some(crate::model::mask::Scope::DirsOnly) => "directories only",
        Some(crate::model::mask::Scope::FilesOnly) => "files only",
        _ => "everything",
    };
    lines.push(format!(
        "  and what is below them ({scope}): owner {}, group {}",
        ids(request.uid),
        ids(request.gid)
    ));
    let links = if request.symlinks { "their own owner changes" } else { "left alone" };
    lines.push(format!("symlinks: {links}; their targets never change"));
    lines.push("a recursive owner change is not recorded for undo".into());
    lines.push(confirm_keys_line(false));
    lines
}
