//! Terminal input bytes to key and mouse events, one byte at a time.
//!
//! The interface reads the terminal itself, one byte per `read`, instead of
//! through crossterm's reader, which takes everything waiting in the
//! terminal at once: what the user typed right after `q` (a shell command)
//! must still be there for the shell when the interface exits. Each byte is
//! fed to [`KeyParser::push`], which returns an event once a key's whole
//! sequence has arrived.

use ratatui::crossterm::event::{
    Event, KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

/// A control or escape sequence longer than this is garbage and dropped.
const MAX_SEQUENCE: usize = 64;
const ESC: u8 = 0x1b;

/// Where the parser is inside a sequence.
#[derive(Debug, Default, PartialEq, Eq)]
enum Pending {
    /// Between keys.
    #[default]
    Ground,
    /// After ESC: a sequence, or Alt with the next key.
    Escape,
    /// After `ESC [`: parameters until a final byte.
    Csi,
    /// After `ESC O`: one final byte.
    Ss3,
    /// After `ESC [ M`: three raw bytes of an old-style mouse report.
    X10Mouse,
    /// Inside a multi-byte UTF-8 character, `n` more bytes to come.
    Utf8(usize),
}

/// Turns a stream of terminal bytes into crossterm events.
#[derive(Debug, Default)]
pub struct KeyParser {
    pending: Pending,
    buf: Vec<u8>,
}

impl KeyParser {
    /// True while a sequence has started and is not complete: the reader
    /// must read on before anything else.
    pub fn in_sequence(&self) -> bool {
        self.pending != Pending::Ground
    }

    /// Takes one byte. `more` says whether another byte is already waiting:
    /// an ESC with nothing after it is the Escape key itself.
    pub fn push(&mut self, byte: u8, more: bool) -> Option<Event> {
        if self.buf.len() >= MAX_SEQUENCE {
            self.reset();
        }
        match self.pending {
            Pending::Ground => self.ground(byte, more),
            Pending::Escape => self.after_escape(byte, more),
            Pending::Csi => {
                self.buf.push(byte);
                if (0x40..=0x7e).contains(&byte) {
                    if self.buf == b"M" {
                        self.pending = Pending::X10Mouse;
                        return None;
                    }
                    let sequence = std::mem::take(&mut self.buf);
                    self.pending = Pending::Ground;
                    return csi(&sequence);
                }
                None
            }
            Pending::Ss3 => {
                self.reset();
                ss3(byte)
            }
            Pending::X10Mouse => {
                self.buf.push(byte);
                if self.buf.len() < 4 {
                    return None;
                }
                let sequence = std::mem::take(&mut self.buf);
                self.pending = Pending::Ground;
                x10_mouse(&sequence[1..])
            }
            Pending::Utf8(left) => {
                self.buf.push(byte);
                if left > 1 {
                    self.pending = Pending::Utf8(left - 1);
                    return None;
                }
                let sequence = std::mem::take(&mut self.buf);
                self.pending = Pending::Ground;
                let c = std::str::from_utf8(&sequence).ok()?.chars().next()?;
                Some(char_key(c, KeyModifiers::NONE))
            }
        }
    }

    fn reset(&mut self) {
        self.pending = Pending::Ground;
        self.buf.clear();
    }

    fn ground(&mut self, byte: u8, more: bool) -> Option<Event> {
        match byte {
            ESC if more => {
                self.pending = Pending::Escape;
                None
            }
            0xc2..=0xf4 => {
                let len = if byte >= 0xf0 {
                    4
                } else if byte >= 0xe0 {
                    3
                } else {
                    2
                };
                self.buf.push(byte);
                self.pending = Pending::Utf8(len - 1);
                None
            }
            _ => single_byte(byte, KeyModifiers::NONE),
        }
    }

    fn after_escape(&mut self, byte: u8, more: bool) -> Option<Event> {
        match byte {
            b'[' if more => {
                self.pending = Pending::Csi;
                None
            }
            b'O' if more => {
                self.pending = Pending::Ss3;
                None
            }
            _ => {
                // ESC then a key: that key with Alt.
                self.reset();
                let event = single_byte(byte, KeyModifiers::ALT)?;
                Some(event)
            }
        }
    }
}

fn key(code: KeyCode, modifiers: KeyModifiers) -> Event {
    Event::Key(KeyEvent::new(code, modifiers))
}

/// A character key; an uppercase letter carries SHIFT, as crossterm reports it.
fn char_key(c: char, mut modifiers: KeyModifiers) -> Event {
    if c.is_uppercase() {
        modifiers |= KeyModifiers::SHIFT;
    }
    key(KeyCode::Char(c), modifiers)
}

/// A key sent as one byte (ASCII), with `modifiers` added.
fn single_byte(byte: u8, modifiers: KeyModifiers) -> Option<Event> {
    let ctrl = modifiers | KeyModifiers::CONTROL;
    Some(match byte {
        ESC => key(KeyCode::Esc, modifiers),
        b'\r' | b'\n' => key(KeyCode::Enter, modifiers),
        b'\t' => key(KeyCode::Tab, modifiers),
        0x7f | 0x08 => key(KeyCode::Backspace, modifiers),
        0x00 => key(KeyCode::Char(' '), ctrl),
        0x01..=0x1a => key(KeyCode::Char((b'a' + byte - 1) as char), ctrl),
        0x1c..=0x1f => key(KeyCode::Char((b'4' + byte - 0x1c) as char), ctrl),
        0x20..=0x7e => char_key(byte as char, modifiers),
        _ => return None,
    })
}

/// The modifiers of an xterm parameter (`1 + bits`: 1 shift, 2 alt, 4 ctrl).
fn modifiers_of(param: Option<u16>) -> KeyModifiers {
    modifier_bits(param.unwrap_or(1).saturating_sub(1), [1, 2, 4])
}

/// The modifiers set in `bits`, given the bits of shift, alt and control.
fn modifier_bits(bits: u16, [shift, alt, control]: [u16; 3]) -> KeyModifiers {
    let mut modifiers = KeyModifiers::NONE;
    for (bit, modifier) in
        [(shift, KeyModifiers::SHIFT), (alt, KeyModifiers::ALT), (control, KeyModifiers::CONTROL)]
    {
        if bits & bit != 0 {
            modifiers |= modifier;
        }
    }
    modifiers
}

/// The key an `ESC O x` sequence sends.
fn ss3(byte: u8) -> Option<Event> {
    let code = letter_key(byte)?;
    Some(key(code, KeyModifiers::NONE))
}

/// Keys named by the final letter of a CSI or SS3 sequence.
fn letter_key(byte: u8) -> Option<KeyCode> {
    Some(match byte {
        b'A' => KeyCode::Up,
        b'B' => KeyCode::Down,
        b'C' => KeyCode::Right,
        b'D' => KeyCode::Left,
        b'H' => KeyCode::Home,
        b'F' => KeyCode::End,
        b'P' => KeyCode::F(1),
        b'Q' => KeyCode::F(2),
        b'R' => KeyCode::F(3),
        b'S' => KeyCode::F(4),
        _ => return None,
    })
}

/// A CSI sequence (what follows `ESC [`, its final byte included).
fn csi(sequence: &[u8]) -> Option<Event> {
    let (&last, body) = sequence.split_last()?;
    if let Some(params) = body.strip_prefix(b"<") {
        return sgr_mouse(params, last == b'M');
    }
    let params: Vec<Option<u16>> =
        std::str::from_utf8(body).ok()?.split(';').map(|p| p.parse().ok()).collect();
    let modifiers = modifiers_of(params.get(1).copied().flatten());
    let code = match last {
        b'Z' => return Some(key(KeyCode::BackTab, KeyModifiers::SHIFT)),
        b'~' => match params.first().copied().flatten()? {
            1 | 7 => KeyCode::Home,
            2 => KeyCode::Insert,
            3 => KeyCode::Delete,
            4 | 8 => KeyCode::End,
            5 => KeyCode::PageUp,
            6 => KeyCode::PageDown,
            n @ 11..=15 => KeyCode::F((n - 10) as u8),
            n @ 17..=21 => KeyCode::F((n - 11) as u8),
            n @ 23..=24 => KeyCode::F((n - 12) as u8),
            _ => return None,
        },
        other => letter_key(other)?,
    };
    Some(key(code, modifiers))
}

/// The kind and modifiers of a mouse report's button byte.
fn mouse_event(cb: u16, column: u16, row: u16, press: bool) -> Option<Event> {
    let button = match cb & 0b11 {
        0 => MouseButton::Left,
        1 => MouseButton::Middle,
        _ => MouseButton::Right,
    };
    let released = cb & 0b11 == 3;
    let kind = if cb & 64 != 0 {
        match cb & 0b11 {
            0 => MouseEventKind::ScrollUp,
            1 => MouseEventKind::ScrollDown,
            2 => MouseEventKind::ScrollLeft,
            _ => MouseEventKind::ScrollRight,
        }
    } else if cb & 32 != 0 {
        if released { MouseEventKind::Moved } else { MouseEventKind::Drag(button) }
    } else if press && !released {
        MouseEventKind::Down(button)
    } else {
        MouseEventKind::Up(button)
    };
    let modifiers = modifier_bits(cb, [4, 8, 16]);
    Some(Event::Mouse(MouseEvent { kind, column, row, modifiers }))
}

/// An SGR mouse report: `Cb;Cx;Cy`, ended by `M` (press) or `m` (release).
fn sgr_mouse(params: &[u8], press: bool) -> Option<Event> {
    let mut fields = std::str::from_utf8(params).ok()?.split(';').map(|f| f.parse::<u16>().ok());
    let (cb, x, y) = (fields.next()??, fields.next()??, fields.next()??);
    mouse_event(cb, x.saturating_sub(1), y.saturating_sub(1), press)
}

/// An old-style mouse report: three bytes, each offset by 32.
fn x10_mouse(bytes: &[u8]) -> Option<Event> {
    let [cb, x, y] = bytes else { return None };
    let cb = u16::from(cb.saturating_sub(32));
    let (x, y) = (u16::from(x.saturating_sub(33)), u16::from(y.saturating_sub(33)));
    mouse_event(cb, x, y, true)
}

#[cfg(test)]
#[path = "keys_tests.rs"]
mod tests;
