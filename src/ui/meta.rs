//! The metadata pane: every field of `stat` for the selected entry, read
//! fresh when it was selected.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget, Wrap};

use super::text::{group_digits, human_size, relative_age};
use crate::model::mode::{octal_string, perms_string, special_bits_words};
use crate::model::{FileKind, FullStat};
use crate::sanitize;
use crate::scan::Timespec;
use crate::theme::Theme;
use crate::view::State;

/// Draws the pane for the selected entry.
pub fn draw(state: &State, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let block = Block::default().borders(Borders::LEFT | Borders::TOP).title(" metadata ");
    let lines = lines(state, theme, state.now_unix());
    Paragraph::new(lines).block(block).wrap(Wrap { trim: false }).render(area, buf);
}

fn field<'a>(label: &'a str, value: String) -> Line<'a> {
    Line::from(vec![Span::raw(format!("{label:<9}")), Span::raw(value)])
}

/// The lines of the pane (separate from drawing, for tests).
pub fn lines<'a>(state: &'a State, theme: &Theme, now: i64) -> Vec<Line<'a>> {
    let Some(id) = state.selected_id else { return vec![Line::raw("nothing selected")] };
    let tree = &state.tree;
    let mut out = Vec::new();
    match state.meta.as_ref().filter(|m| m.id == id).map(|m| &m.result) {
        None => {
            out.push(field("path", sanitize::path(&tree.path(id)).into_owned()));
            out.push(Line::raw("reading…"));
        }
        Some(Err(reason)) => {
            out.push(field("path", sanitize::path(&tree.path(id)).into_owned()));
            out.push(Line::styled(sanitize::text(reason).into_owned(), theme.error()));
        }
        Some(Ok(full)) => stat_lines(state, full, now, &mut out),
    }
    if let Some(error) = tree.error(id) {
        out.push(Line::styled(
            format!("scan     {}", sanitize::text(&error.to_string())),
            theme.error(),
        ));
    }
    out.extend(super::audit::meta_lines(state, theme, id));
    if let Some(dir) = tree.dir(id) {
        let mut total = format!(
            "{} in {} entries",
            human_size(dir.total_size),
            group_digits(dir.total_entries)
        );
        if dir.errors > 0 {
            total.push_str(&format!(", {} errors", group_digits(u64::from(dir.errors))));
        }
        out.push(field("total", total));
        out.push(field("on disk", human_size(dir.total_alloc)));
    }
    out
}

fn stat_lines(state: &State, full: &FullStat, now: i64, out: &mut Vec<Line<'_>>) {
    let st = &full.stat;
    out.push(field("path", sanitize::path(&full.path).into_owned()));
    let mut kind = full.kind().describe().to_string();
    if let Some(target) = &full.target {
        kind.push_str(&format!(" → {}", sanitize::bytes(target)));
    }
    if let Some((major, minor)) = full.device_numbers() {
        kind.push_str(&format!(" {major}:{minor}"));
    }
    out.push(field("type", kind));
    let mut mode =
        format!("{}{}  {}", full.kind().letter(), perms_string(st.mode), octal_string(st.mode));
    let special = special_bits_words(st.mode);
    if !special.is_empty() {
        mode.push_str(&format!("  ({})", special.join(", ")));
    }
    out.push(field("mode", mode));
    out.push(field("inode", st.ino.to_string()));
    out.push(field(
        "device",
        format!("{}:{} ({})", rustix::fs::major(st.dev), rustix::fs::minor(st.dev), st.dev),
    ));
    let mut links = st.nlink.to_string();
    if st.nlink > 1 && full.kind() != FileKind::Dir {
        links.push_str(" (other names share this file)");
    }
    out.push(field("links", links));
    let name = |known: Option<&Option<String>>, fallback: &Option<String>| match known
        .or(Some(fallback).filter(|f| f.is_some()))
    {
        Some(Some(name)) => sanitize::text(name).into_owned(),
        Some(None) => "(no name)".to_string(),
        None => "(looking up…)".to_string(),
    };
    let names = &state.owner_names;
    out.push(field("user", format!("{} ({})", name(names.users.get(&st.uid), &full.user), st.uid)));
    out.push(field(
        "group",
        format!("{} ({})", name(names.groups.get(&st.gid), &full.group), st.gid),
    ));
    out.push(field("size", format!("{} ({} bytes)", human_size(st.size), group_digits(st.size))));
    out.push(field("alloc", format!("{} ({} blocks)", human_size(st.allocated()), st.blocks)));
    out.push(field("accessed", local_time(st.atime, now)));
    out.push(field("modified", local_time(st.mtime, now)));
    out.push(field("changed", local_time(st.ctime, now)));
    out.push(field(
        "born",
        full.btime.map_or_else(|| "unknown".to_string(), |t| local_time(t, now)),
    ));
    let zone = TimeZone::system();
    out.push(field("zone", zone.iana_name().unwrap_or("local time").to_string()));
}

/// Local time with nanoseconds and the relative age (the zone is shown
/// once, on its own line).
pub fn local_time(t: Timespec, now: i64) -> String {
    let Ok(ts) = Timestamp::new(t.sec, t.nsec as i32) else {
        return format!("@{}.{:09}", t.sec, t.nsec);
    };
    let zoned = ts.to_zoned_datetime(TimeZone::system());
    format!("{}, {}", zoned.strftime("%Y-%m-%d %H:%M:%S%.9f"), relative_age(now - t.sec))
}
