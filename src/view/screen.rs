//! The screen's own state: its size, the clock the loop sets, the status
//! message and the log of every message, whether a frame is due, and
//! whether the user asked to quit.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// How long a status message stays.
pub const MESSAGE_TIME: Duration = Duration::from_secs(4);

/// How many messages the log keeps.
pub const MESSAGE_LOG_LEN: usize = 200;

/// A message in the status bar that fades.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusMessage {
    /// The text, ready to draw: every name in it has already been through
    /// [`crate::sanitize`] once, where the message was worded.
    pub text: String,
    /// True for errors.
    pub is_error: bool,
    /// When it disappears.
    pub until: Instant,
}

/// Size, clock, status and redraw.
#[derive(Debug)]
pub struct Screen {
    /// Terminal size (columns, lines).
    pub size: (u16, u16),
    /// The current time, set by the loop before each update (tests set it too).
    pub now: Instant,
    /// Wall-clock Unix seconds at `now` (for "3 days ago").
    pub now_unix: i64,
    /// Status message.
    pub status: Option<StatusMessage>,
    /// Every status message so far, oldest first (at most
    /// [`MESSAGE_LOG_LEN`]): a message cut by the status line is read in full
    /// here.
    pub message_log: VecDeque<StatusMessage>,
    /// Something on screen changed since the last frame.
    pub needs_draw: bool,
    /// The user asked to quit.
    pub quit: bool,
}

impl Screen {
    /// An 80×24 screen at `now`, due for a frame.
    pub fn new(now: Instant) -> Self {
        Screen {
            size: (80, 24),
            now,
            now_unix: 0,
            status: None,
            message_log: VecDeque::new(),
            needs_draw: true,
            quit: false,
        }
    }

    /// Shows a message (an error when `is_error`) and keeps it in the log.
    pub fn say(&mut self, text: String, is_error: bool) {
        let message = StatusMessage { text, is_error, until: self.now + MESSAGE_TIME };
        if self.message_log.len() == MESSAGE_LOG_LEN {
            self.message_log.pop_front();
        }
        self.message_log.push_back(message.clone());
        self.status = Some(message);
    }
}
