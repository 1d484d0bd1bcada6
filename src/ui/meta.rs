//! The metadata pane: every field of `stat` for the selected entry, read
//! fresh when it was selected.
//!
//! Two layouts of the same fields: the full one (a field a line, long
//! labels, relative ages) when the pane is tall enough, and a compact one
//! (short labels, two fields a line) that fits every field into the ten
//! lines an 80×24 terminal leaves under the tree. `i` shows the full one on
//! the whole screen at any size.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget, Wrap};

use crate::fmt::time::{local_time, short_time};
use crate::fmt::{fit, group_digits, human_size};
use crate::model::mode::{octal_string, perms_string, special_bits_words};
use crate::model::{FileKind, FullStat};
use crate::sanitize;
use crate::scan::Timespec;
use crate::theme::Theme;
use crate::view::State;
use jiff::tz::TimeZone;

/// Columns of a full-layout label.
const LONG_LABEL: usize = 9;
/// Columns of a compact label.
const SHORT_LABEL: usize = 6;

/// One field of the pane.
struct Field {
    /// Label of the full layout.
    long: &'static str,
    /// Label of the compact layout.
    short: &'static str,
    /// The value with everything (relative ages included).
    value: String,
    /// The value in the compact layout, when shorter than `value`.
    compact: Option<String>,
    style: Style,
}

impl Field {
    fn new(long: &'static str, short: &'static str, value: String) -> Self {
        Field { long, short, value, compact: None, style: Style::default() }
    }

    fn compact_value(&self) -> &str {
        self.compact.as_deref().unwrap_or(&self.value)
    }
}

/// What the pane shows, before it is laid out.
enum Body {
    /// Labelled fields.
    Fields(Vec<Field>),
    /// Lines that are not fields (audit findings).
    Extra(Line<'static>),
}

/// Draws the pane for the selected entry: the full layout when it fits,
/// the compact one otherwise.
pub fn draw(state: &State, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let block = Block::default().borders(Borders::LEFT | Borders::TOP).title(" metadata ");
    let lines = fitting_lines(state, theme, block.inner(area));
    Paragraph::new(lines).block(block).wrap(Wrap { trim: false }).render(area, buf);
}

/// The full layout when it fits `inner`, the compact one otherwise.
fn fitting_lines(state: &State, theme: &Theme, inner: Rect) -> Vec<Line<'static>> {
    let full = lines(state, theme, state.now_unix());
    // The path may wrap; a field cut in two reads worse than the compact one.
    let fields_fit = full.iter().skip(1).all(|l| l.width() <= usize::from(inner.width));
    if fields_fit && wrapped_height(&full, inner.width) <= inner.height as usize {
        return full.into_iter().map(owned).collect();
    }
    compact_lines(state, theme, state.now_unix(), inner.width as usize)
}

fn owned(line: Line<'_>) -> Line<'static> {
    let spans: Vec<Span<'static>> =
        line.spans.into_iter().map(|s| Span::styled(s.content.into_owned(), s.style)).collect();
    Line::from(spans).style(line.style)
}

/// Draws the metadata on the whole of `area` (the `i` key), scrolled: the
/// full layout when it fits, else the compact one.
pub fn draw_full_screen(state: &State, theme: &Theme, scroll: u16, area: Rect, buf: &mut Buffer) {
    Clear.render(area, buf);
    let title = fit(" metadata · j/k scroll · i / Esc: back ", area.width as usize);
    let block = Block::default().borders(Borders::TOP).title(title);
    let lines = fitting_lines(state, theme, block.inner(area));
    Paragraph::new(lines)
        .block(block)
        .wrap(Wrap { trim: false })
        .scroll((scroll, 0))
        .render(area, buf);
}

/// Lines `lines` take once wrapped at `width` columns (a long path wraps).
fn wrapped_height(lines: &[Line<'_>], width: u16) -> usize {
    let width = usize::from(width.max(1));
    lines.iter().map(|l| l.width().max(1).div_ceil(width)).sum()
}

/// The lines of the full layout (separate from drawing, for tests).
pub fn lines<'a>(state: &'a State, theme: &Theme, now: i64) -> Vec<Line<'a>> {
    let mut out = Vec::new();
    for part in body(state, theme, now) {
        match part {
            Body::Fields(fields) => out.extend(fields.into_iter().map(|f| {
                let label = format!("{:<LONG_LABEL$}", f.long);
                Line::from(vec![Span::raw(label), Span::styled(f.value, f.style)])
            })),
            Body::Extra(line) => out.push(line),
        }
    }
    out
}

/// The lines of the compact layout for a pane `width` columns wide: short
/// labels, two fields a line where both fit in half the width.
pub fn compact_lines(state: &State, theme: &Theme, now: i64, width: usize) -> Vec<Line<'static>> {
    let half = width / 2;
    let mut out = Vec::new();
    for part in body(state, theme, now) {
        let fields = match part {
            Body::Fields(fields) => fields,
            Body::Extra(line) => {
                out.push(line);
                continue;
            }
        };
        let mut pending: Option<Field> = None;
        for field in fields {
            if field.long == "path" {
                // The path alone, whole when it fits; else from the view's
                // root with its middle elided (`i` shows it whole), or for
                // the root itself cut on the left so the name stays.
                let fits = field.value.chars().count() <= width;
                let line = if fits { None } else { state.selected_node() }
                    .and_then(|id| super::breadcrumb::relative_path(state, id, width))
                    .unwrap_or_else(|| fit_left(&field.value, width));
                out.push(Line::raw(line));
                continue;
            }
            let fits = SHORT_LABEL + field.compact_value().chars().count() < half;
            match pending.take() {
                Some(left) if fits => out.push(pair(&left, Some(&field), half)),
                Some(left) => {
                    out.push(pair(&left, None, half));
                    out.push(pair(&field, None, half));
                }
                None if fits => pending = Some(field),
                None => out.push(pair(&field, None, half)),
            }
        }
        if let Some(left) = pending {
            out.push(pair(&left, None, half));
        }
    }
    out
}

fn pair(left: &Field, right: Option<&Field>, half: usize) -> Line<'static> {
    let mut spans = vec![
        Span::raw(format!("{:<SHORT_LABEL$}", left.short)),
        Span::styled(left.compact_value().to_string(), left.style),
    ];
    if let Some(right) = right {
        let used = SHORT_LABEL + left.compact_value().chars().count();
        spans.push(Span::raw(" ".repeat(half.saturating_sub(used))));
        spans.push(Span::raw(format!("{:<SHORT_LABEL$}", right.short)));
        spans.push(Span::styled(right.compact_value().to_string(), right.style));
    }
    Line::from(spans)
}

/// `text` cut to `width` columns from the left (`…/tail`).
fn fit_left(text: &str, width: usize) -> String {
    let count = text.chars().count();
    if count <= width || width == 0 {
        return text.to_string();
    }
    let tail: String = text.chars().skip(count - (width - 1)).collect();
    format!("…{tail}")
}

fn body(state: &State, theme: &Theme, now: i64) -> Vec<Body> {
    let Some(id) = state.selected_node() else {
        return vec![Body::Extra(Line::raw("nothing selected"))];
    };
    let tree = &state.tree;
    let mut out = Vec::new();
    let path = |p: &std::path::Path| Field::new("path", "path", sanitize::path(p).into_owned());
    match state.inspect.meta.as_ref().filter(|m| m.id == id).map(|m| &m.result) {
        None => {
            out.push(Body::Fields(vec![path(&tree.path(id))]));
            out.push(Body::Extra(Line::raw("reading…")));
        }
        Some(Err(reason)) => {
            out.push(Body::Fields(vec![path(&tree.path(id))]));
            out.push(Body::Extra(Line::styled(sanitize::text(reason).into_owned(), theme.error())));
        }
        Some(Ok(full)) => {
            let mut fields = stat_fields(state, full, now);
            if let Some(recorded) = &state.scan.recorded {
                only_recorded(&mut fields, recorded, now);
            }
            out.push(Body::Fields(fields));
        }
    }
    let mut tail = Vec::new();
    if let Some(error) = tree.error(id) {
        let mut field = Field::new("scan", "scan", sanitize::text(&error.to_string()).into_owned());
        field.style = theme.error();
        tail.push(field);
    }
    if let Some(dir) = tree.dir(id) {
        let mut total = format!(
            "{} in {}",
            human_size(dir.total_size),
            crate::fmt::quantity(dir.total_entries, "entry", "entries")
        );
        if dir.errors > 0 {
            let errors = crate::fmt::quantity(u64::from(dir.errors), "error", "errors");
            total.push_str(&format!(", {errors}"));
        }
        tail.push(Field::new("total", "total", total));
        tail.push(Field::new("on disk", "disk", human_size(dir.total_alloc)));
    }
    let audit: Vec<Line<'static>> = super::audit::meta_lines(state, theme, id);
    // Findings are read with the totals; keep the old order: findings first.
    out.extend(audit.into_iter().map(Body::Extra));
    out.push(Body::Fields(tail));
    out
}

fn stat_fields(state: &State, full: &FullStat, now: i64) -> Vec<Field> {
    let st = &full.stat;
    let mut out = vec![Field::new("path", "path", sanitize::path(&full.path).into_owned())];
    let mut kind = full.kind().describe().to_string();
    if let Some(target) = &full.target {
        kind.push_str(&format!(" → {}", sanitize::bytes(target)));
    }
    if let Some((major, minor)) = full.device_numbers() {
        kind.push_str(&format!(" {major}:{minor}"));
    }
    out.push(Field::new("type", "type", kind));
    let mut mode =
        format!("{}{}  {}", full.kind().letter(), perms_string(st.mode), octal_string(st.mode));
    let special = special_bits_words(st.mode);
    if !special.is_empty() {
        mode.push_str(&format!("  ({})", special.join(", ")));
    }
    out.push(Field::new("mode", "mode", mode));
    let name = |known: Option<&Option<String>>, fallback: &Option<String>| match known
        .or(Some(fallback).filter(|f| f.is_some()))
    {
        Some(Some(name)) => sanitize::text(name).into_owned(),
        Some(None) => "(no name)".to_string(),
        None => "(looking up…)".to_string(),
    };
    let names = &state.inspect.owner_names;
    out.push(Field::new(
        "size",
        "size",
        format!("{} ({} {})", human_size(st.size), group_digits(st.size), plural(st.size, "byte")),
    ));
    out.push(Field::new(
        "alloc",
        "alloc",
        format!("{} ({} {})", human_size(st.allocated()), st.blocks, plural(st.blocks, "block")),
    ));
    out.push(Field::new(
        "user",
        "user",
        format!("{} ({})", name(names.users.get(&st.uid), &full.user), st.uid),
    ));
    out.push(Field::new(
        "group",
        "group",
        format!("{} ({})", name(names.groups.get(&st.gid), &full.group), st.gid),
    ));
    out.push(Field::new("inode", "ino", st.ino.to_string()));
    out.push(Field::new(
        "device",
        "dev",
        format!("{}:{} ({})", rustix::fs::major(st.dev), rustix::fs::minor(st.dev), st.dev),
    ));
    let mut links = Field::new("links", "links", st.nlink.to_string());
    if st.nlink > 1 && full.kind() != FileKind::Dir {
        links.value.push_str(" (other names share this file)");
        links.compact = Some(format!("{} (shared)", st.nlink));
    }
    out.push(links);
    let zone = TimeZone::system();
    out.push(Field::new("zone", "zone", zone.iana_name().unwrap_or("local time").to_string()));
    let time = |long, short, t: Timespec| {
        let mut field = Field::new(long, short, local_time(t, now));
        field.compact = Some(short_time(t));
        field
    };
    out.push(time("accessed", "atime", st.atime));
    out.push(time("modified", "mtime", st.mtime));
    out.push(time("changed", "ctime", st.ctime));
    out.push(match full.btime {
        Some(t) => time("born", "born", t),
        None => Field::new("born", "born", "unknown".to_string()),
    });
    out
}

/// An import: only the fields an export records, and a first line that
/// says they are recorded, by what and when.
fn only_recorded(fields: &mut Vec<Field>, recorded: &crate::scan::Recorded, now: i64) {
    const KEPT: &[&str] = &["path", "type", "mode", "size", "alloc", "user", "group", "modified"];
    fields.retain(|f| KEPT.contains(&f.long));
    let when = recorded.timestamp.map_or_else(
        || "at an unknown time".to_string(),
        |sec| local_time(Timespec { sec, nsec: 0 }, now),
    );
    let what = format!("{when} by {}, read-only", sanitize::text(&recorded.program));
    let mut field = Field::new("recorded", "rec", what);
    let short = recorded.timestamp.map_or_else(
        || "unknown".to_string(),
        // Exports record whole seconds: no nanoseconds to show.
        |sec| short_time(Timespec { sec, nsec: 0 }).trim_end_matches(".000000000").to_string(),
    );
    let program = recorded.program.split(' ').next().unwrap_or_default();
    field.compact = Some(format!("{short} {}, read-only", sanitize::text(program)));
    fields.insert(1.min(fields.len()), field);
}

/// "1 byte", "2 bytes": the count is shown beside it.
fn plural(n: u64, word: &str) -> String {
    if n == 1 { word.to_string() } else { format!("{word}s") }
}
