//! The key table: defaults, key strings, names, rebinding and the help lines.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers};

use super::*;

fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, modifiers)
}

fn key(text: &str) -> Key {
    text.parse().unwrap()
}

#[test]
fn every_default_binding_from_the_spec() {
    let map = KeyMap::default();
    let none = KeyModifiers::NONE;
    let ctrl = KeyModifiers::CONTROL;
    let cases = [
        (KeyCode::Char('j'), none, Action::MoveDown),
        (KeyCode::Down, none, Action::MoveDown),
        (KeyCode::Char('k'), none, Action::MoveUp),
        (KeyCode::Up, none, Action::MoveUp),
        (KeyCode::Char('g'), none, Action::Top),
        (KeyCode::Home, none, Action::Top),
        (KeyCode::Char('G'), KeyModifiers::SHIFT, Action::Bottom),
        (KeyCode::End, none, Action::Bottom),
        (KeyCode::PageDown, none, Action::PageDown),
        (KeyCode::PageUp, none, Action::PageUp),
        (KeyCode::Char('d'), ctrl, Action::HalfPageDown),
        (KeyCode::Char('u'), ctrl, Action::HalfPageUp),
        (KeyCode::Char('l'), none, Action::Expand),
        (KeyCode::Right, none, Action::Expand),
        (KeyCode::Enter, none, Action::Toggle),
        (KeyCode::Char('h'), none, Action::CollapseOrParent),
        (KeyCode::Left, none, Action::CollapseOrParent),
        (KeyCode::Char('/'), none, Action::Search),
        (KeyCode::Char('n'), none, Action::SearchNext),
        (KeyCode::Char('N'), KeyModifiers::SHIFT, Action::SearchPrev),
        (KeyCode::Char('f'), none, Action::Filter),
        (KeyCode::Char('s'), none, Action::CycleSort),
        (KeyCode::Char('.'), none, Action::ToggleHidden),
        (KeyCode::Char('v'), none, Action::TogglePreview),
        (KeyCode::Char('?'), KeyModifiers::SHIFT, Action::Help),
        (KeyCode::Char('q'), none, Action::Quit),
        (KeyCode::Char('c'), ctrl, Action::Quit),
    ];
    for (code, mods, action) in cases {
        assert_eq!(map.lookup(&press(code, mods)), Some(action), "{code:?} {mods:?}");
    }
    // Every action has at least one default key.
    assert!(map.bindings().all(|(_, keys)| !keys.is_empty()));
    map.validate().unwrap();
}

#[test]
fn modifiers_and_case_distinguish_keys() {
    let map = KeyMap::default();
    // Plain 'd' is not Ctrl-d; Ctrl-j is not j; 'G' is not 'g'.
    assert_eq!(map.lookup(&press(KeyCode::Char('d'), KeyModifiers::NONE)), Some(Action::Trash));
    assert_eq!(
        map.lookup(&press(KeyCode::Char('d'), KeyModifiers::CONTROL)),
        Some(Action::HalfPageDown)
    );
    assert_eq!(map.lookup(&press(KeyCode::Char('j'), KeyModifiers::CONTROL)), None);
    assert_eq!(map.lookup(&press(KeyCode::Char('G'), KeyModifiers::NONE)), Some(Action::Bottom));
    // The kitty protocol's spelling of Shift+g.
    assert_eq!(map.lookup(&press(KeyCode::Char('g'), KeyModifiers::SHIFT)), Some(Action::Bottom));
    assert_eq!(map.lookup(&press(KeyCode::Down, KeyModifiers::SHIFT)), None);
    assert_eq!(map.lookup(&press(KeyCode::Char('j'), KeyModifiers::ALT)), None);
}

#[test]
fn only_presses_and_repeats_act() {
    let map = KeyMap::default();
    let mut event = press(KeyCode::Char('j'), KeyModifiers::NONE);
    event.kind = KeyEventKind::Repeat;
    assert_eq!(map.lookup(&event), Some(Action::MoveDown));
    event.kind = KeyEventKind::Release;
    assert_eq!(map.lookup(&event), None);
    // Lock state is not part of the key.
    let mut event = press(KeyCode::Char('j'), KeyModifiers::NONE);
    event.state = KeyEventState::CAPS_LOCK;
    assert_eq!(map.lookup(&event), Some(Action::MoveDown));
}

#[test]
fn key_strings_parse_and_format_both_ways() {
    let cases = [
        ("j", KeyCode::Char('j'), KeyModifiers::NONE),
        ("G", KeyCode::Char('G'), KeyModifiers::NONE),
        ("ctrl-u", KeyCode::Char('u'), KeyModifiers::CONTROL),
        ("alt-x", KeyCode::Char('x'), KeyModifiers::ALT),
        ("ctrl-alt-x", KeyCode::Char('x'), KeyModifiers::CONTROL | KeyModifiers::ALT),
        ("enter", KeyCode::Enter, KeyModifiers::NONE),
        ("esc", KeyCode::Esc, KeyModifiers::NONE),
        ("up", KeyCode::Up, KeyModifiers::NONE),
        ("down", KeyCode::Down, KeyModifiers::NONE),
        ("left", KeyCode::Left, KeyModifiers::NONE),
        ("right", KeyCode::Right, KeyModifiers::NONE),
        ("home", KeyCode::Home, KeyModifiers::NONE),
        ("end", KeyCode::End, KeyModifiers::NONE),
        ("pageup", KeyCode::PageUp, KeyModifiers::NONE),
        ("pagedown", KeyCode::PageDown, KeyModifiers::NONE),
        ("tab", KeyCode::Tab, KeyModifiers::NONE),
        ("backtab", KeyCode::BackTab, KeyModifiers::NONE),
        ("backspace", KeyCode::Backspace, KeyModifiers::NONE),
        ("space", KeyCode::Char(' '), KeyModifiers::NONE),
        ("shift-up", KeyCode::Up, KeyModifiers::SHIFT),
        ("f1", KeyCode::F(1), KeyModifiers::NONE),
        ("f12", KeyCode::F(12), KeyModifiers::NONE),
        ("/", KeyCode::Char('/'), KeyModifiers::NONE),
        ("?", KeyCode::Char('?'), KeyModifiers::NONE),
        (".", KeyCode::Char('.'), KeyModifiers::NONE),
        ("-", KeyCode::Char('-'), KeyModifiers::NONE),
        ("ctrl--", KeyCode::Char('-'), KeyModifiers::CONTROL),
        ("é", KeyCode::Char('é'), KeyModifiers::NONE),
    ];
    for (text, code, modifiers) in cases {
        let parsed = key(text);
        assert_eq!(parsed, Key { code, modifiers }, "{text}");
        assert_eq!(parsed.to_string(), text);
        assert_eq!(key(&parsed.to_string()), parsed);
    }
}

#[test]
fn names_and_modifiers_are_case_insensitive_but_letters_are_not() {
    assert_eq!(key("ENTER"), key("enter"));
    assert_eq!(key("PageDown"), key("pagedown"));
    assert_eq!(key("Ctrl-u"), key("ctrl-u"));
    assert_eq!(key("CTRL-U"), Key::new(KeyCode::Char('U'), KeyModifiers::CONTROL));
    assert_ne!(key("ctrl-U"), key("ctrl-u"));
    assert_eq!(key("F5"), key("f5"));
    assert_eq!(key("escape"), key("esc"));
    assert_ne!(key("n"), key("N"));
    // 'f' alone is the letter, not a function key.
    assert_eq!(key("f"), Key::new(KeyCode::Char('f'), KeyModifiers::NONE));
    assert_eq!(key("F"), Key::new(KeyCode::Char('F'), KeyModifiers::NONE));
}

#[test]
fn bad_key_strings_are_refused() {
    for bad in ["", "ctrl-", "f13", "f0", "enterr", "hyper-x", "ctrl-ctrl-x", "shift-g", "\t"] {
        let err = bad.parse::<Key>().unwrap_err();
        assert!(matches!(err, KeymapError::InvalidKey { .. }), "{bad:?}: {err}");
        assert!(err.to_string().contains("invalid key"), "{err}");
    }
    let why = |text: &str| match text.parse::<Key>() {
        Err(KeymapError::InvalidKey { why, .. }) => why,
        other => panic!("{other:?}"),
    };
    assert_eq!(why("ctrl-"), "no key after the modifier");
    assert_eq!(why("Alt-"), "no key after the modifier");
    assert_eq!(why("enterr"), "not a key name");
    assert_eq!(why(""), "empty");
}

#[test]
fn action_names_round_trip_and_are_snake_case() {
    for action in Action::ALL {
        assert_eq!(Action::from_name(action.name()), Some(action));
        assert_eq!(action.name().parse::<Action>().unwrap(), action);
        assert!(action.name().chars().all(|c| c.is_ascii_lowercase() || c == '_'));
        assert!(!action.description().is_empty());
    }
    assert_eq!(Action::HalfPageUp.name(), "half_page_up");
    assert_eq!(Action::MoveDown.name(), "move_down");
    let err = "moveDown".parse::<Action>().unwrap_err();
    assert!(err.to_string().contains("move_down"), "lists the known names: {err}");
    // ALL is in declaration order, so `index` matches it.
    for (i, action) in Action::ALL.iter().enumerate() {
        assert_eq!(action.index(), i);
    }
}

#[test]
fn bind_replaces_and_swaps_validate() {
    let mut map = KeyMap::default();
    // Swap j and k: conflicting half-way, valid once both are rebound.
    map.bind(Action::MoveDown, [key("k")]);
    assert!(map.validate().is_err());
    map.bind(Action::MoveUp, [key("j"), key("j")]);
    map.validate().unwrap();
    assert_eq!(map.keys(Action::MoveUp), &[key("j")]);
    assert_eq!(map.lookup(&press(KeyCode::Char('k'), KeyModifiers::NONE)), Some(Action::MoveDown));
    // The arrows went with the replaced lists.
    assert_eq!(map.lookup(&press(KeyCode::Down, KeyModifiers::NONE)), None);
}

#[test]
fn conflicts_name_the_key_and_both_actions() {
    let mut map = KeyMap::default();
    map.bind(Action::Filter, [key("s")]);
    let err = map.validate().unwrap_err();
    assert_eq!(
        err,
        KeymapError::Conflict { key: key("s"), first: Action::Filter, second: Action::CycleSort }
    );
    let text = err.to_string();
    assert!(text.contains("\"s\"") && text.contains("filter") && text.contains("cycle_sort"));

    let mut map = KeyMap::default();
    map.bind(Action::Quit, []);
    assert_eq!(map.validate(), Err(KeymapError::NoQuitKey));
}

#[test]
fn help_lines_follow_the_bindings() {
    let mut map = KeyMap::default();
    let lines = map.help_lines();
    assert_eq!(lines.len(), Action::ALL.len());
    assert_eq!(lines[0], ("j, down".to_owned(), Action::MoveDown.description()));
    assert_eq!(lines[Action::HalfPageDown.index()].0, "ctrl-d");
    assert_eq!(lines[Action::Quit.index()].0, "q, ctrl-c");
    assert_eq!(lines[Action::Audit.index()], ("!".to_owned(), Action::Audit.description()));
    assert_eq!(lines.last().unwrap(), &("M".to_owned(), Action::Messages.description()));
    map.bind(Action::Help, [key("f1"), key("?")]);
    assert_eq!(map.help_lines()[Action::Help.index()], ("f1, ?".to_owned(), "Show this help"));
}
