use super::*;

/// Feeds `bytes` as if they all arrived together; returns every event.
fn parse(bytes: &[u8]) -> Vec<Event> {
    let mut parser = KeyParser::default();
    let mut events = Vec::new();
    for (i, &b) in bytes.iter().enumerate() {
        events.extend(parser.push(b, i + 1 < bytes.len()));
    }
    events
}

fn k(code: KeyCode, modifiers: KeyModifiers) -> Event {
    Event::Key(KeyEvent::new(code, modifiers))
}

#[test]
fn plain_characters_controls_and_utf8() {
    assert_eq!(parse(b"q"), vec![k(KeyCode::Char('q'), KeyModifiers::NONE)]);
    assert_eq!(parse(b"G"), vec![k(KeyCode::Char('G'), KeyModifiers::SHIFT)]);
    assert_eq!(parse(b"\x03"), vec![k(KeyCode::Char('c'), KeyModifiers::CONTROL)]);
    assert_eq!(parse(b"\r"), vec![k(KeyCode::Enter, KeyModifiers::NONE)]);
    assert_eq!(parse(b"\x7f"), vec![k(KeyCode::Backspace, KeyModifiers::NONE)]);
    assert_eq!(parse("é".as_bytes()), vec![k(KeyCode::Char('é'), KeyModifiers::NONE)]);
}

#[test]
fn a_lone_escape_is_the_escape_key_and_escape_then_a_key_is_alt() {
    assert_eq!(parse(b"\x1b"), vec![k(KeyCode::Esc, KeyModifiers::NONE)]);
    assert_eq!(parse(b"\x1bx"), vec![k(KeyCode::Char('x'), KeyModifiers::ALT)]);
}

#[test]
fn cursor_and_editing_keys_with_modifiers() {
    assert_eq!(parse(b"\x1b[A"), vec![k(KeyCode::Up, KeyModifiers::NONE)]);
    assert_eq!(parse(b"\x1bOB"), vec![k(KeyCode::Down, KeyModifiers::NONE)]);
    assert_eq!(parse(b"\x1b[1;5C"), vec![k(KeyCode::Right, KeyModifiers::CONTROL)]);
    assert_eq!(parse(b"\x1b[5~"), vec![k(KeyCode::PageUp, KeyModifiers::NONE)]);
    assert_eq!(parse(b"\x1b[3~"), vec![k(KeyCode::Delete, KeyModifiers::NONE)]);
    assert_eq!(parse(b"\x1b[15~"), vec![k(KeyCode::F(5), KeyModifiers::NONE)]);
    assert_eq!(parse(b"\x1b[Z"), vec![k(KeyCode::BackTab, KeyModifiers::SHIFT)]);
}

#[test]
fn sgr_and_old_style_mouse_reports() {
    let click = MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: 4,
        row: 9,
        modifiers: KeyModifiers::NONE,
    };
    assert_eq!(parse(b"\x1b[<0;5;10M"), vec![Event::Mouse(click)]);
    let up = MouseEvent { kind: MouseEventKind::Up(MouseButton::Left), ..click };
    assert_eq!(parse(b"\x1b[<0;5;10m"), vec![Event::Mouse(up)]);
    let wheel = MouseEvent { kind: MouseEventKind::ScrollDown, ..click };
    assert_eq!(parse(b"\x1b[<65;5;10M"), vec![Event::Mouse(wheel)]);
    assert_eq!(parse(&[0x1b, b'[', b'M', 32, 37, 42]), vec![Event::Mouse(click)]);
}

#[test]
fn keys_after_a_sequence_are_separate_events_and_garbage_is_dropped() {
    let events = parse(b"\x1b[Bq");
    assert_eq!(
        events,
        vec![k(KeyCode::Down, KeyModifiers::NONE), k(KeyCode::Char('q'), KeyModifiers::NONE)]
    );
    let mut long = b"\x1b[".to_vec();
    long.extend(std::iter::repeat_n(b'1', 200));
    long.push(b'j');
    // The overlong sequence is dropped; parsing goes on.
    assert!(parse(&long).contains(&k(KeyCode::Char('j'), KeyModifiers::NONE)));
}

#[test]
fn the_parser_says_when_it_is_inside_a_sequence() {
    let mut parser = KeyParser::default();
    assert!(parser.push(0x1b, true).is_none());
    assert!(parser.in_sequence());
    assert!(parser.push(b'[', true).is_none());
    assert!(parser.push(b'A', false).is_some());
    assert!(!parser.in_sequence());
}
