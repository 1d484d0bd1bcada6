//! The audit panel (an overlay listing every finding with its count), the
//! metadata pane's findings lines, and the severity of a row.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};

use crate::audit::{Change, Finding, Severity};
use crate::fmt::{fit, group_digits};
use crate::model::NodeId;
use crate::model::mode::perms_string;
use crate::sanitize;
use crate::theme::Theme;
use crate::view::State;
use crate::view::audit::{AuditFilter, PanelEntry, PassState, pass_findings};

/// Width of the id column (the longest id).
const ID_WIDTH: usize = 37;
/// Width of the count column.
const COUNT_WIDTH: usize = 9;

/// The most severe finding of a node, if it has any.
pub fn row_severity(state: &State, id: NodeId) -> Option<Severity> {
    state.audit.findings(id).iter().next().map(Finding::severity)
}

/// The count of a panel line as shown: `?` for a finding the audit pass has
/// not reached yet, a trailing `…` while the scan that decides it runs.
fn count_text(state: &State, filter: AuditFilter) -> String {
    let count = group_digits(state.audit.filter_count(filter));
    let from_pass = matches!(filter, AuditFilter::Finding(f) if pass_findings().contains(f));
    let running = if from_pass {
        match state.audit.pass() {
            PassState::NotStarted | PassState::Waiting => return "?".to_string(),
            PassState::Running => true,
            PassState::Done => false,
        }
    } else {
        state.scanning()
    };
    if running { format!("{count}…") } else { count }
}

/// The text of the panel, one line per entry (for drawing and for tests).
pub fn panel_lines(state: &State) -> Vec<(PanelEntry, String)> {
    let active = state.audit.filter();
    state
        .audit
        .panel_entries()
        .into_iter()
        .map(|entry| {
            let mark = if entry == PanelEntry::All && active.is_none()
                || matches!(entry, PanelEntry::Filter(f) if Some(f) == active)
            {
                '•'
            } else {
                ' '
            };
            let text = match entry {
                PanelEntry::Filter(filter @ AuditFilter::Finding(f)) => format!(
                    "{mark} {:<6} {:<ID_WIDTH$} {:>COUNT_WIDTH$}  {}",
                    f.severity().word(),
                    f.id(),
                    count_text(state, filter),
                    f.explanation()
                ),
                PanelEntry::Filter(filter) => {
                    let explanation = match filter {
                        AuditFilter::New => "not in the baseline",
                        _ => "type, mode, owner or group differ from the baseline",
                    };
                    format!(
                        "{mark} {:<6} {:<ID_WIDTH$} {:>COUNT_WIDTH$}  {explanation}",
                        "",
                        filter.label(),
                        count_text(state, filter),
                    )
                }
                PanelEntry::All => format!(
                    "{mark} {:<6} {:<ID_WIDTH$} {:>COUNT_WIDTH$}  no audit filter",
                    "",
                    "all entries",
                    group_digits(state.tree.totals().entries),
                ),
            };
            (entry, text)
        })
        .collect()
}

/// The bottom line of the panel: what is still being gathered, and the keys.
fn footer(state: &State) -> String {
    let gathering = match state.audit.pass() {
        PassState::NotStarted | PassState::Waiting => {
            "capabilities, ACLs and symlinks are checked once the scan ends · "
        }
        PassState::Running => "checking capabilities, ACLs and symlinks… · ",
        PassState::Done => "",
    };
    let baseline = match state.audit.baseline_note() {
        Some(note) => format!("{note} · "),
        None => String::new(),
    };
    format!("{baseline}{gathering}Enter filter · n/N next/previous · Esc close")
}

/// Draws the panel centred over `area`, line `selected` highlighted.
pub fn draw_panel(state: &State, theme: &Theme, selected: usize, area: Rect, buf: &mut Buffer) {
    let lines = panel_lines(state);
    let footer = footer(state);
    let widest = lines.iter().map(|(_, t)| t.chars().count()).max().unwrap_or(0);
    let width = (widest.max(footer.chars().count()) + 2) as u16;
    let height = lines.len() as u16 + 5;
    let popup = super::dialog::centred(area, width, height);
    Clear.render(popup, buf);
    let inner = popup.width.saturating_sub(2) as usize;
    let mut out: Vec<Line> = Vec::with_capacity(lines.len() + 2);
    for (i, (entry, text)) in lines.into_iter().enumerate() {
        let count = match entry {
            PanelEntry::Filter(filter) => state.audit.filter_count(filter),
            PanelEntry::All => 1,
        };
        let mut style = match entry {
            PanelEntry::Filter(AuditFilter::Finding(f)) if count > 0 => {
                theme.severity(f.severity())
            }
            _ if count == 0 => theme.dim(),
            _ => Style::default(),
        };
        if i == selected {
            style = theme.selection().patch(style).add_modifier(Modifier::BOLD);
        }
        if entry == PanelEntry::All {
            out.push(Line::raw(""));
        }
        let padded = format!("{:<inner$}", fit(&text, inner));
        out.push(Line::from(Span::styled(padded, style)));
    }
    out.push(Line::raw(""));
    out.push(Line::styled(fit(&footer, inner), theme.dim()));
    let title = format!(
        " audit · {} entries with findings{} ",
        group_digits(state.audit.with_findings() as u64),
        if state.scanning() { " so far" } else { "" }
    );
    Paragraph::new(out)
        .block(Block::default().borders(Borders::ALL).title(title).border_style(theme.bar()))
        .render(popup, buf);
}

/// The metadata pane's lines about `id`: its findings (with the decoded
/// capabilities) and how it differs from the baseline. Nothing when there
/// is nothing to say.
pub fn meta_lines(state: &State, theme: &Theme, id: NodeId) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    let findings = state.audit.findings(id);
    if let Some(worst) = findings.iter().next() {
        let mut text = findings.ids().join(", ");
        if let Some(caps) = state.audit.capabilities(id) {
            text.push_str(&format!(" ({})", sanitize::text(caps)));
        }
        out.push(Line::styled(
            format!("{:<9}{text}", "findings"),
            theme.severity(worst.severity()),
        ));
    }
    match state.audit.change(id) {
        Some(Change::New) => {
            out.push(Line::raw(format!("{:<9}new since the baseline", "baseline")))
        }
        Some(Change::Changed(old)) => {
            let mode = old.mode.map_or_else(|| "?????????".to_string(), perms_string);
            let owner = |id: Option<u32>| id.map_or_else(|| "?".to_string(), |n| n.to_string());
            out.push(Line::raw(format!(
                "{:<9}changed since the baseline (was {}{mode} {}:{})",
                "baseline",
                old.kind.letter(),
                owner(old.uid),
                owner(old.gid)
            )));
        }
        None => {}
    }
    out
}
