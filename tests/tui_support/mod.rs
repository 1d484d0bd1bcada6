//! Shared harness for the interactive-view tests: fixture trees, a real scan
//! fed through the pure `update` function, key and mouse helpers, rendering
//! into ratatui's `TestBackend`, and a pseudo-terminal driver for the binary.
#![allow(dead_code, reason = "each test binary uses a different subset")]

use std::ffi::OsStr;
use std::fs::{self, File};
use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use rustix::fs::{AtFlags, CWD, Timestamps};
use statree::config::ColorConfig;
use statree::exec::InlineExecutor;
use statree::keymap::{Key, KeyMap};
use statree::model::NodeId;
use statree::scan::{self, ScanEvent, ScanOptions};
use statree::theme::Theme;
use statree::ui;
use statree::view::{Effect, Msg, State, ViewOptions, update};
use tempfile::TempDir;
use unicode_width::UnicodeWidthStr;

/// A fixed "now" for every rendered frame (2023-11-14T22:13:20Z).
pub const FIXED_NOW_UNIX: i64 = 1_700_000_000;
/// How long every test scan claims to have taken (so "scanned in 0.01 s").
pub const FIXED_SCAN_TIME: Duration = Duration::from_millis(10);
/// How long any scan may take before the harness gives up.
const SCAN_TIMEOUT: Duration = Duration::from_secs(30);

pub const KIB: u64 = 1024;
pub const MIB: u64 = 1024 * 1024;

/// Contents of the text files of the standard fixture.
pub const GAMMA_TEXT: &str = "gamma line one\ngamma line two\n";
pub const SMALL_TEXT: &str = "hello from small\n";
pub const HIDDEN_TEXT: &str = "secret\n";

/// A temp directory whose path always has the same length
/// (`/tmp/statree-tui-XXXXXX`), so snapshots that replace it with `[TMP]`
/// keep their column alignment from run to run.
pub fn fixed_length_tempdir() -> TempDir {
    let base = Path::new("/tmp");
    let base = if base.is_dir() { base.to_path_buf() } else { std::env::temp_dir() };
    tempfile::Builder::new()
        .prefix("statree-tui-")
        .rand_bytes(6)
        .tempdir_in(base)
        .expect("create temp dir")
}

/// Sets the modification (and access) time of `path` itself, without
/// following a final symlink.
pub fn set_mtime(path: &Path, secs: i64) {
    let ts = rustix::fs::Timespec { tv_sec: secs, tv_nsec: 0 };
    let times = Timestamps { last_access: ts, last_modification: ts };
    rustix::fs::utimensat(CWD, path, &times, AtFlags::SYMLINK_NOFOLLOW)
        .unwrap_or_else(|e| panic!("utimensat {}: {e}", path.display()));
}

/// A sparse file of exactly `len` apparent bytes (no disk space used).
pub fn sparse_file(path: &Path, len: u64) {
    let file = File::create(path).expect("create sparse file");
    file.set_len(len).expect("set_len");
}

/// Raw bytes of a path.
pub fn path_bytes(path: &Path) -> &[u8] {
    path.as_os_str().as_bytes()
}

/// A path from raw bytes.
pub fn path_from(raw: &[u8]) -> PathBuf {
    PathBuf::from(OsStr::from_bytes(raw))
}

/// The standard fixture, under `<tmp>/fixture`:
///
/// ```text
/// fixture/                      (mtime  +0)   16 MiB in total
///   alpha/                      (mtime +300)  4 MiB in total
///     nested/                   (mtime  +60)  1 MiB in total
///       deep.bin                1 MiB, sparse
///     big.bin                   3 MiB, sparse
///     small.txt                 17 B of text
///   beta/                       (mtime +100)  8 MiB in total
///     data.bin                  8 MiB, sparse
///   .hidden                     7 B  (mtime  +50)
///   gamma.txt                   30 B (mtime +400)
///   large.log                   4 MiB, sparse (mtime +200)
///   link -> gamma.txt           9 B  (mtime +500)
/// ```
///
/// Every directory holds at least a MiB, so a directory's own size
/// (4 KiB on ext4, a few bytes on tmpfs) never changes a rounded size or a
/// size bar: the rendering is the same on every filesystem. The three sort
/// orders of the files differ from each other.
pub struct Fixture {
    pub tmp: TempDir,
    pub root: PathBuf,
}

/// Base of the fixture's modification times.
pub const MTIME_BASE: i64 = 1_600_000_000;

impl Fixture {
    pub fn new() -> Fixture {
        let tmp = fixed_length_tempdir();
        let root = tmp.path().join("fixture");
        let alpha = root.join("alpha");
        let nested = alpha.join("nested");
        let beta = root.join("beta");
        fs::create_dir_all(&nested).unwrap();
        fs::create_dir_all(&beta).unwrap();
        sparse_file(&nested.join("deep.bin"), MIB);
        sparse_file(&alpha.join("big.bin"), 3 * MIB);
        fs::write(alpha.join("small.txt"), SMALL_TEXT).unwrap();
        sparse_file(&beta.join("data.bin"), 8 * MIB);
        fs::write(root.join(".hidden"), HIDDEN_TEXT).unwrap();
        fs::write(root.join("gamma.txt"), GAMMA_TEXT).unwrap();
        sparse_file(&root.join("large.log"), 4 * MIB);
        symlink("gamma.txt", root.join("link")).unwrap();
        // Times last, directories after their contents.
        for (rel, offset) in [
            ("alpha/nested/deep.bin", 10),
            ("alpha/big.bin", 20),
            ("alpha/small.txt", 30),
            ("beta/data.bin", 40),
            (".hidden", 50),
            ("large.log", 200),
            ("gamma.txt", 400),
            ("link", 500),
            ("alpha/nested", 60),
            ("alpha", 300),
            ("beta", 100),
            ("", 0),
        ] {
            let path = if rel.is_empty() { root.clone() } else { root.join(rel) };
            set_mtime(&path, MTIME_BASE + offset);
        }
        Fixture { tmp, root }
    }
}

impl Default for Fixture {
    fn default() -> Self {
        Fixture::new()
    }
}

/// The default theme (colours on, no `LS_COLORS`), independent of the
/// environment the tests run in.
pub fn test_theme() -> Theme {
    Theme::new(&ColorConfig::default(), None, false)
}

/// A parsed key, in the config file's spelling (`j`, `G`, `enter`, `esc`,
/// `ctrl-c`, `pagedown`, `?`, …), as the key event crossterm would deliver.
pub fn key_event(key: &str) -> KeyEvent {
    let parsed: Key = key.parse().unwrap_or_else(|e| panic!("bad key {key:?}: {e}"));
    KeyEvent::new(parsed.code, parsed.modifiers)
}

/// A left-button press at a cell.
pub fn click_at(column: u16, row: u16) -> MouseEvent {
    mouse(MouseEventKind::Down(MouseButton::Left), column, row)
}

/// A mouse event.
pub fn mouse(kind: MouseEventKind, column: u16, row: u16) -> MouseEvent {
    MouseEvent { kind, column, row, modifiers: KeyModifiers::NONE }
}

/// The model driven exactly as the event loop drives it, minus the terminal.
pub struct Harness {
    pub state: State,
    pub io: InlineExecutor,
    pub theme: Theme,
    /// The scanned roots, for display and for the `[TMP]` filter.
    pub roots: Vec<PathBuf>,
    /// Text replaced by `[TMP]` in snapshots.
    pub tmp_prefix: Option<PathBuf>,
}

impl Harness {
    /// Scans `roots` for real, feeding every event through `update` and
    /// running every effect, until the scan finishes; then makes the frame
    /// deterministic (fixed scan time and clock) at `size`.
    pub fn scan(roots: Vec<PathBuf>, size: (u16, u16)) -> Harness {
        let now = Instant::now();
        let mut state = State::new(KeyMap::default(), ViewOptions::default(), now);
        state.screen.size = size;
        state.screen.now_unix = FIXED_NOW_UNIX;
        let mut io = InlineExecutor::default();
        let handle = scan::start(ScanOptions::new(roots.clone())).expect("start scan");
        let deadline = Instant::now() + SCAN_TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let event = handle
                .events()
                .recv_timeout(left)
                .unwrap_or_else(|e| panic!("scan did not finish within {SCAN_TIMEOUT:?}: {e}"));
            let finished = matches!(event, ScanEvent::Finished { .. });
            let effects = update(&mut state, Msg::Scan(event));
            io.run_effects(&mut state, effects);
            // The loop calls this after every turn (throttled while scanning).
            state.refresh_rows();
            if finished {
                break;
            }
        }
        drop(handle);
        state.scan.finished = Some(FIXED_SCAN_TIME);
        state.screen.now = Instant::now();
        state.rebuild_rows();
        state.refresh_rows();
        state.screen.needs_draw = false;
        Harness { state, io, theme: test_theme(), roots, tmp_prefix: None }
    }

    /// The standard fixture, scanned, at `size`.
    pub fn fixture(fixture: &Fixture, size: (u16, u16)) -> Harness {
        let mut h = Harness::scan(vec![fixture.root.clone()], size);
        h.tmp_prefix = Some(fixture.tmp.path().to_path_buf());
        h
    }

    /// Sends one message, runs its effects as the loop would, and returns
    /// the effects the update asked for.
    pub fn send(&mut self, msg: Msg) -> Vec<Effect> {
        let effects = update(&mut self.state, msg);
        self.io.run_effects(&mut self.state, effects.clone());
        self.state.refresh_rows();
        effects
    }

    /// Presses a key (see [`key_event`] for the spelling).
    pub fn press(&mut self, key: &str) -> Vec<Effect> {
        self.send(Msg::Key(key_event(key)))
    }

    /// Presses several keys; returns the effects of all of them.
    pub fn press_all(&mut self, keys: &[&str]) -> Vec<Effect> {
        keys.iter().flat_map(|k| self.press(k)).collect()
    }

    /// Types text into an open prompt, one character at a time.
    pub fn type_text(&mut self, text: &str) -> Vec<Effect> {
        let mut all = Vec::new();
        for ch in text.chars() {
            let event =
                KeyEvent::new(ratatui::crossterm::event::KeyCode::Char(ch), KeyModifiers::NONE);
            all.extend(self.send(Msg::Key(event)));
        }
        all
    }

    /// A mouse event.
    pub fn mouse(&mut self, event: MouseEvent) -> Vec<Effect> {
        self.send(Msg::Mouse(event))
    }

    /// A resize, as the terminal reports it.
    pub fn resize(&mut self, w: u16, h: u16) {
        self.send(Msg::Resize(w, h));
    }

    /// The node at a path relative to the (single) root.
    pub fn node(&self, rel: &str) -> NodeId {
        let root = self.state.tree.roots().next().expect("a root");
        let mut id = root;
        for part in rel.split('/').filter(|p| !p.is_empty()) {
            id = self
                .state
                .tree
                .children(id)
                .find(|&c| self.state.tree.name(c) == part.as_bytes())
                .unwrap_or_else(|| panic!("no {part:?} in {rel:?}"));
        }
        id
    }

    /// The node at raw name bytes directly under the root.
    pub fn child_named(&self, name: &[u8]) -> NodeId {
        let root = self.state.tree.roots().next().expect("a root");
        self.state
            .tree
            .children(root)
            .find(|&c| self.state.tree.name(c) == name)
            .unwrap_or_else(|| panic!("no child {:?}", String::from_utf8_lossy(name)))
    }

    /// The root node.
    pub fn root(&self) -> NodeId {
        self.state.tree.roots().next().expect("a root")
    }

    /// Path of the selected node relative to the root (`""` for the root).
    pub fn selected_rel(&self) -> String {
        let id = self.state.selected_node().expect("a selection");
        self.rel_path(id)
    }

    /// Path of a node relative to the root.
    pub fn rel_path(&self, id: NodeId) -> String {
        let mut parts = Vec::new();
        let mut cursor = Some(id);
        while let Some(node) = cursor {
            let parent = self.state.tree.parent(node);
            if parent.is_some() {
                parts.push(String::from_utf8_lossy(self.state.tree.name(node)).into_owned());
            }
            cursor = parent;
        }
        parts.reverse();
        parts.join("/")
    }

    /// The visible rows as relative paths, top to bottom (`""` for a root).
    pub fn row_paths(&self) -> Vec<String> {
        self.state.rows.rows().iter().map(|r| self.rel_path(r.id)).collect()
    }

    /// The names of the visible children of the root, in row order.
    pub fn top_level_names(&self) -> Vec<String> {
        let root = self.root();
        self.state
            .rows
            .rows()
            .iter()
            .filter(|r| self.state.tree.parent(r.id) == Some(root))
            .map(|r| String::from_utf8_lossy(self.state.tree.name(r.id)).into_owned())
            .collect()
    }

    /// Selects the row showing `rel` by moving with `j`/`k` (as a user would).
    pub fn select(&mut self, rel: &str) {
        let target = self.node(rel);
        let row =
            self.state.rows.position(target).unwrap_or_else(|| panic!("{rel:?} is not visible"));
        while self.state.cursor.row < row {
            self.press("j");
        }
        while self.state.cursor.row > row {
            self.press("k");
        }
        assert_eq!(self.state.selected_node(), Some(target));
    }

    /// Draws one frame at `w`×`h` and returns the buffer.
    pub fn render_buffer(&self, w: u16, h: u16) -> Buffer {
        let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
        terminal.draw(|frame| ui::draw(frame, &self.state, &self.theme)).expect("draw");
        terminal.backend().buffer().clone()
    }

    /// Draws one frame at `w`×`h` and returns it as text, one line per row,
    /// trailing spaces kept.
    pub fn render(&self, w: u16, h: u16) -> String {
        buffer_text(&self.render_buffer(w, h))
    }

    /// Draws one frame at the state's own size.
    pub fn screen(&self) -> String {
        self.render(self.state.screen.size.0, self.state.screen.size.1)
    }

    /// A frame at the state's size for a snapshot: the temp dir replaced by
    /// `[TMP]`, trailing spaces cut, and a `>` in front of the line the
    /// cursor is on (its style is otherwise invisible in text).
    pub fn snapshot_frame(&self) -> String {
        let (w, h) = self.state.screen.size;
        let buffer = self.render_buffer(w, h);
        let selection_bg = self.theme.selection().bg;
        let lines = buffer_lines(&buffer);
        let mut out = String::new();
        for (y, line) in lines.iter().enumerate() {
            let selected = w > 0
                && selection_bg.is_some()
                && buffer.cell((0, y as u16)).is_some_and(|c| Some(c.bg) == selection_bg);
            out.push(if selected { '>' } else { '|' });
            out.push_str(mask_disk_usage(&self.filter_tmp(line)).trim_end());
            out.push('\n');
        }
        out
    }

    /// Replaces the temp dir's path with `[TMP]`.
    pub fn filter_tmp(&self, text: &str) -> String {
        match &self.tmp_prefix {
            Some(prefix) => text.replace(&*prefix.to_string_lossy(), "[TMP]"),
            None => text.to_string(),
        }
    }
}

/// The status line's disk usage of a real scan depends on the filesystem
/// (a directory's blocks, how small files are stored): `· 28.0 KiB on disk`
/// becomes `· [DISK] on disk`, and the gap before the position on the
/// right (whose width follows the figure's) two spaces. Snapshots of exact
/// disk usage build their tree in the model instead.
pub fn mask_disk_usage(line: &str) -> String {
    let Some(end) = line.find(" on disk") else { return line.to_string() };
    let Some(start) = line[..end].rfind("· ") else { return line.to_string() };
    let rest = line[end..].trim_end();
    let rest = match rest.rfind("  ") {
        Some(gap) => format!("{}  {}", rest[..gap].trim_end(), rest[gap..].trim_start()),
        None => rest.to_string(),
    };
    format!("{}[DISK]{rest}", &line[..start + "· ".len()])
}

/// The buffer's rows as strings (a wide character's hidden cell skipped).
pub fn buffer_lines(buffer: &Buffer) -> Vec<String> {
    let width = buffer.area.width as usize;
    if width == 0 {
        return vec![String::new(); buffer.area.height as usize];
    }
    buffer
        .content
        .chunks(width)
        .map(|cells| {
            let mut line = String::new();
            let mut skip = 0usize;
            for cell in cells {
                let symbol = cell.symbol();
                if skip == 0 {
                    line.push_str(symbol);
                }
                skip = skip.max(symbol.width()).saturating_sub(1);
            }
            line
        })
        .collect()
}

/// The buffer as text: its rows joined with newlines.
pub fn buffer_text(buffer: &Buffer) -> String {
    buffer_lines(buffer).into_iter().map(|line| line + "\n").collect()
}

/// Characters that must never be drawn as themselves.
pub fn is_dangerous_char(c: char) -> bool {
    c.is_control()
        || matches!(
            c as u32,
            0xad | 0x061c
                | 0x180e
                | 0x200b..=0x200f
                | 0x2028..=0x202e
                | 0x2060..=0x2064
                | 0x2066..=0x206f
                | 0xfeff
        )
}

// ---------------------------------------------------------------------------
// Pseudo-terminal driver
// ---------------------------------------------------------------------------

/// Terminal rows and columns of the PTY tests.
pub const PTY_ROWS: u16 = 30;
pub const PTY_COLS: u16 = 100;

/// The terminal's keyboard side, shared with the reader (which answers the
/// program's cursor position queries on it).
type SharedWriter = Arc<Mutex<Box<dyn Write + Send>>>;

/// "Where is the cursor?" (DSR 6); a terminal answers `ESC [ row ; col R`.
const DSR: &[u8] = b"\x1b[6n";

struct PtyOutput {
    parser: vt100::Parser,
    raw: Vec<u8>,
    eof: bool,
}

/// The `statree` binary running in a pseudo-terminal, its output parsed by a
/// VT100 emulator and also kept raw.
pub struct PtySession {
    child: Box<dyn Child + Send + Sync>,
    writer: SharedWriter,
    master: Box<dyn MasterPty + Send>,
    output: Arc<Mutex<PtyOutput>>,
    reader: Option<std::thread::JoinHandle<()>>,
    pub exit: Option<portable_pty::ExitStatus>,
}

impl PtySession {
    /// Starts `statree ARGS` in a 30×100 pseudo-terminal with
    /// `TERM=xterm-256color`, no config file and no colour variables.
    pub fn spawn(args: &[&OsStr], cwd: &Path) -> PtySession {
        PtySession::spawn_with_env(args, cwd, &[])
    }

    /// As [`PtySession::spawn`], with extra environment variables.
    pub fn spawn_with_env(args: &[&OsStr], cwd: &Path, env: &[(&str, &OsStr)]) -> PtySession {
        let statree = OsStr::new(env!("CARGO_BIN_EXE_statree"));
        PtySession::spawn_program(statree, args, cwd, env)
    }

    /// As [`PtySession::spawn_with_env`], running `program` (a shell that
    /// sets a limit, then execs statree) in the same environment.
    pub fn spawn_program(
        program: &OsStr,
        args: &[&OsStr],
        cwd: &Path,
        env: &[(&str, &OsStr)],
    ) -> PtySession {
        let pty = native_pty_system();
        let pair = pty
            .openpty(PtySize { rows: PTY_ROWS, cols: PTY_COLS, pixel_width: 0, pixel_height: 0 })
            .expect("openpty");
        let mut cmd = CommandBuilder::new(program);
        for arg in args {
            cmd.arg(arg);
        }
        cmd.cwd(cwd);
        cmd.env("TERM", "xterm-256color");
        // Never pick up the developer's own config, colours or locale quirks.
        cmd.env("STATREE_CONFIG", cwd.join("no-such-config.toml"));
        cmd.env_remove("NO_COLOR");
        cmd.env_remove("LS_COLORS");
        cmd.env_remove("COLORTERM");
        for (key, value) in env {
            cmd.env(key, value);
        }
        let child = pair.slave.spawn_command(cmd).expect("spawn statree in a pty");
        // Only the child holds the terminal side now, so the reader sees EOF
        // when it exits.
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let writer: SharedWriter =
            Arc::new(Mutex::new(pair.master.take_writer().expect("pty writer")));
        let output = Arc::new(Mutex::new(PtyOutput {
            parser: vt100::Parser::new(
                NonZeroU16::new(PTY_ROWS).expect("rows"),
                NonZeroU16::new(PTY_COLS).expect("cols"),
                0,
            ),
            raw: Vec::new(),
            eof: false,
        }));
        let sink = Arc::clone(&output);
        let answer = Arc::clone(&writer);
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        let mut out = sink.lock().unwrap_or_else(|p| p.into_inner());
                        let before = out.raw.len();
                        out.raw.extend_from_slice(&buf[..n]);
                        // Feed the emulator up to each cursor position query
                        // (DSR 6) and answer it as a real terminal would.
                        let mut fed = before;
                        let scan_from = before.saturating_sub(DSR.len() - 1);
                        let queries: Vec<usize> = out.raw[scan_from..]
                            .windows(DSR.len())
                            .enumerate()
                            .filter(|(_, w)| *w == DSR)
                            .map(|(i, _)| scan_from + i + DSR.len())
                            .collect();
                        for end in queries {
                            let chunk = out.raw[fed..end].to_vec();
                            out.parser.process(&chunk);
                            fed = end;
                            let (row, col) = out.parser.screen().cursor_position();
                            let reply = format!("\x1b[{};{}R", row + 1, col + 1);
                            let mut w = answer.lock().unwrap_or_else(|p| p.into_inner());
                            let _ = w.write_all(reply.as_bytes());
                            let _ = w.flush();
                        }
                        let rest = out.raw[fed..].to_vec();
                        out.parser.process(&rest);
                    }
                }
            }
            sink.lock().unwrap_or_else(|p| p.into_inner()).eof = true;
        });
        PtySession { child, writer, master: pair.master, output, reader: Some(reader), exit: None }
    }

    /// The process id of the child.
    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("child pid")
    }

    /// Writes bytes to the terminal (what typing would send).
    pub fn send(&mut self, bytes: &[u8]) {
        let mut writer = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        writer.write_all(bytes).expect("write to pty");
        writer.flush().expect("flush pty");
    }

    /// The screen as the emulator shows it now.
    pub fn screen(&self) -> String {
        self.output.lock().unwrap_or_else(|p| p.into_inner()).parser.screen().contents()
    }

    /// What the emulator says about the terminal's modes now: in the
    /// alternate screen, cursor hidden, mouse reporting on.
    pub fn modes(&self) -> (bool, bool, bool) {
        let out = self.output.lock().unwrap_or_else(|p| p.into_inner());
        let screen = out.parser.screen();
        (
            screen.alternate_screen(),
            screen.hide_cursor(),
            screen.mouse_protocol_mode() != vt100::MouseProtocolMode::None,
        )
    }

    /// Asserts the emulator is back in the normal screen with a visible
    /// cursor and no mouse reporting, and the raw bytes say the same.
    pub fn assert_restored(&self) {
        let (alternate, hidden, mouse) = self.modes();
        assert!(!alternate, "still in the alternate screen");
        assert!(!hidden, "the cursor is still hidden");
        assert!(!mouse, "mouse reporting is still on");
        assert_terminal_restored(&self.raw());
    }

    /// The child's process state letter from `/proc` (`T` when stopped).
    pub fn process_state(&self) -> Option<char> {
        let stat = fs::read_to_string(format!("/proc/{}/stat", self.pid())).ok()?;
        // The state follows the parenthesised command name.
        let after = &stat[stat.rfind(')')? + 1..];
        after.split_whitespace().next()?.chars().next()
    }

    /// Waits until `pred(raw output)` holds; panics after `timeout`.
    pub fn wait_for_raw(&mut self, what: &str, timeout: Duration, pred: impl Fn(&[u8]) -> bool) {
        let deadline = Instant::now() + timeout;
        while !pred(&self.raw()) {
            if Instant::now() >= deadline {
                let _ = self.child.kill();
                panic!(
                    "timed out after {timeout:?} waiting for {what}; screen:\n{}",
                    self.screen()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// A copy of every byte the program wrote so far.
    pub fn raw(&self) -> Vec<u8> {
        self.output.lock().unwrap_or_else(|p| p.into_inner()).raw.clone()
    }

    /// Waits until `pred(screen)` holds; panics with the screen after `timeout`.
    pub fn wait_for(
        &mut self,
        what: &str,
        timeout: Duration,
        pred: impl Fn(&str) -> bool,
    ) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let screen = self.screen();
            if pred(&screen) {
                return screen;
            }
            if Instant::now() >= deadline {
                let _ = self.child.kill();
                panic!("timed out after {timeout:?} waiting for {what}; screen:\n{screen}");
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                // One last look: the final frame may have arrived with the exit.
                std::thread::sleep(Duration::from_millis(100));
                let screen = self.screen();
                if pred(&screen) {
                    return screen;
                }
                panic!("statree exited ({status:?}) while waiting for {what}; screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits until the screen contains `needle`.
    pub fn wait_for_text(&mut self, needle: &str, timeout: Duration) -> String {
        self.wait_for(&format!("{needle:?} on screen"), timeout, |s| s.contains(needle))
    }

    /// Waits for the child to exit (killing it and panicking after
    /// `timeout`), then for the reader to drain everything it wrote.
    pub fn wait_exit(&mut self, timeout: Duration) -> portable_pty::ExitStatus {
        let deadline = Instant::now() + timeout;
        let status = loop {
            match self.child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) => {}
                Err(e) => panic!("try_wait: {e}"),
            }
            if Instant::now() >= deadline {
                let _ = self.child.kill();
                let screen = self.screen();
                panic!("statree did not exit within {timeout:?}; screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        // The reader ends at EOF (EIO on Linux) once the child's side closed.
        let drain_deadline = Instant::now() + Duration::from_secs(5);
        while !self.output.lock().unwrap_or_else(|p| p.into_inner()).eof
            && Instant::now() < drain_deadline
        {
            std::thread::sleep(Duration::from_millis(10));
        }
        if let Some(reader) = self.reader.take()
            && self.output.lock().unwrap_or_else(|p| p.into_inner()).eof
        {
            let _ = reader.join();
        }
        self.exit = Some(status.clone());
        status
    }
}

impl Drop for PtySession {
    fn drop(&mut self) {
        if self.exit.is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        let _ = &self.master;
    }
}

/// Position of the last occurrence of `needle` in `hay`.
pub fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    (0..=hay.len() - needle.len()).rev().find(|&i| &hay[i..i + needle.len()] == needle)
}

/// True when `hay` contains `needle`.
pub fn contains(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

/// Asserts the program left the terminal as it found it: the last switch to
/// the alternate screen is followed by a switch back, the last cursor hide by
/// a show, and mouse capture was turned off after it was last turned on.
pub fn assert_terminal_restored(raw: &[u8]) {
    let shown = String::from_utf8_lossy(raw);
    let tail: String =
        shown.chars().rev().take(400).collect::<Vec<_>>().into_iter().rev().collect();
    let enter = rfind(raw, b"\x1b[?1049h").expect("the alternate screen was entered");
    let leave = rfind(raw, b"\x1b[?1049l")
        .unwrap_or_else(|| panic!("the alternate screen was never left; output ends {tail:?}"));
    assert!(leave > enter, "the alternate screen was entered again after leaving; ends {tail:?}");
    if let Some(hide) = rfind(raw, b"\x1b[?25l") {
        let show = rfind(raw, b"\x1b[?25h")
            .unwrap_or_else(|| panic!("the cursor was hidden and never shown; ends {tail:?}"));
        assert!(show > hide, "the cursor is left hidden; output ends {tail:?}");
    }
    let mouse_on = rfind(raw, b"\x1b[?1000h").expect("mouse capture was enabled");
    let mouse_off = rfind(raw, b"\x1b[?1000l")
        .unwrap_or_else(|| panic!("mouse capture was never disabled; ends {tail:?}"));
    assert!(mouse_off > mouse_on, "mouse capture left on; output ends {tail:?}");
}
