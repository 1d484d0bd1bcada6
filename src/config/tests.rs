//! The config file: the shipped default, every option, errors with their
//! place, colours, sort keys and where the file is looked for.

use super::*;
use crate::keymap::KeymapError;

fn invalid(text: &str) -> (Option<usize>, Option<usize>, String) {
    match Config::from_toml_str(text) {
        Err(ConfigError::Invalid { line, column, message, .. }) => (line, column, message),
        other => panic!("expected Invalid for {text:?}, got {other:?}"),
    }
}

#[test]
fn the_default_file_parses_to_the_defaults() {
    assert_eq!(Config::from_toml_str(DEFAULT_CONFIG).unwrap(), Config::default());
    assert_eq!(Config::from_toml_str("").unwrap(), Config::default());
}

#[test]
fn the_default_file_documents_every_action_and_option() {
    let keymap = KeyMap::default();
    for action in Action::ALL {
        let line = format!("{} = ", action.name());
        assert!(DEFAULT_CONFIG.contains(&line), "{} missing from assets/config.toml", action);
        // With its default keys, written the way the help shows them.
        let keys = keymap.keys(action).iter().map(|k| format!("{:?}", k.to_string()));
        let list = format!("{}[{}]", line, keys.collect::<Vec<_>>().join(", "));
        assert!(DEFAULT_CONFIG.contains(&list), "{list} not in assets/config.toml");
    }
    for option in [
        "[general]",
        "sort = ",
        "show_hidden = ",
        "[keys]",
        "[colors]",
        "directory = ",
        "symlink = ",
        "executable = ",
        "error = ",
        "selection_bg = ",
        "bar = ",
        "status_bg = ",
        "finding = ",
        "use_ls_colors = ",
        "[open]",
        "opener_terminal = ",
        "[[open.rules]]",
        "[columns]",
        "cycle = ",
    ] {
        assert!(DEFAULT_CONFIG.contains(option), "{option} missing from assets/config.toml");
    }
}

#[test]
fn uncommenting_every_line_still_gives_the_defaults() {
    // Each option is commented out with its default value: removing the
    // leading "# " from those lines must not change anything.
    // Options are commented as "#option = value", prose as "# words".
    let active: String = DEFAULT_CONFIG
        .lines()
        .map(|line| match line.strip_prefix('#') {
            Some(rest) if rest.starts_with(|c: char| c.is_ascii_alphabetic()) => rest,
            _ => line,
        })
        .map(|line| format!("{line}\n"))
        .collect();
    assert_ne!(active, DEFAULT_CONFIG, "the default file has commented-out options");
    assert_eq!(Config::from_toml_str(&active).unwrap(), Config::default());
}

#[test]
fn every_option_is_read() {
    let text = r##"
        [general]
        sort = "mtime"
        show_hidden = false

        [keys]
        move_down = ["k"]
        move_up = ["j", "ctrl-p"]
        quit = ["ctrl-q"]

        [colors]
        directory = "red"
        symlink = "#102030"
        executable = "indexed:208"
        error = "reset"
        selection_bg = "Light Blue"
        bar = "darkgray"
        status_bg = "black"
        finding = "magenta"
        use_ls_colors = false
    "##;
    let config = Config::from_toml_str(text).unwrap();
    assert_eq!(config.sort, SortKey::Mtime);
    assert!(!config.show_hidden);
    assert!(!config.use_ls_colors);
    assert_eq!(
        config.colors,
        ColorConfig {
            directory: Color::Red,
            symlink: Color::Rgb(0x10, 0x20, 0x30),
            executable: Color::Indexed(208),
            error: Color::Reset,
            selection_bg: Color::LightBlue,
            bar: Color::DarkGray,
            status_bg: Color::Black,
            finding: Color::Magenta,
        }
    );
    let key = |s: &str| s.parse::<Key>().unwrap();
    assert_eq!(config.keymap.action_for(key("k")), Some(Action::MoveDown));
    assert_eq!(config.keymap.action_for(key("ctrl-p")), Some(Action::MoveUp));
    assert_eq!(config.keymap.action_for(key("q")), None);
    assert_eq!(config.keymap.keys(Action::Quit), &[key("ctrl-q")]);
    // Untouched actions keep their defaults.
    assert_eq!(config.keymap.action_for(key("G")), Some(Action::Bottom));
}

#[test]
fn errors_point_at_the_line_and_column() {
    let (line, column, message) = invalid("[general]\nsort = \"random\"\n");
    assert_eq!((line, column), (Some(2), Some(8)));
    assert!(message.contains("random") && message.contains("mtime"), "{message}");

    let (line, _, message) = invalid("[general]\nshow_hiden = true\n");
    assert_eq!(line, Some(2));
    assert!(message.contains("show_hiden"), "{message}");

    // toml places value errors inside an array at the array.
    let (line, column, message) = invalid("[keys]\nmove_down = [\"j\", \"ctrl-\"]\n");
    assert_eq!((line, column), (Some(2), Some(13)));
    assert!(message.contains("invalid key"), "{message}");

    let (line, _, message) = invalid("[keys]\nmove_dwn = [\"j\"]\n");
    assert_eq!(line, Some(2));
    assert!(message.contains("move_dwn") && message.contains("move_down"), "{message}");

    let (line, column, message) = invalid("[colors]\n\ndirectory = \"blurple\"\n");
    assert_eq!((line, column), (Some(3), Some(13)));
    assert!(message.contains("blurple"), "{message}");

    let (line, _, message) = invalid("[colours]\n");
    assert_eq!(line, Some(1));
    assert!(message.contains("colours"), "{message}");

    let (line, _, _) = invalid("[general\n");
    assert_eq!(line, Some(1));
    let (line, _, _) = invalid("[general]\nsort = name\n");
    assert_eq!(line, Some(2));
    let (line, _, _) = invalid("[keys]\nquit = \"q\"\n");
    assert_eq!(line, Some(2));
}

#[test]
fn messages_never_carry_control_characters() {
    let text = Config::from_toml_str("[keys]\nquit = [\"\\u001b[2J\"]\n").unwrap_err().to_string();
    assert!(!text.contains('\x1b'), "{text}");
    assert!(text.contains("\\x1b[2J"), "{text}");
    let text = Config::from_toml_str("\"\\u202e\" = 1\n").unwrap_err().to_string();
    assert!(!text.contains('\u{202e}'), "{text}");
}

#[test]
fn a_key_bound_twice_is_refused_by_name() {
    let err = Config::from_toml_str("[keys]\nfilter = [\"s\"]\n").unwrap_err();
    match &err {
        ConfigError::Keys { source: KeymapError::Conflict { key, first, second }, .. } => {
            assert_eq!(key.to_string(), "s");
            assert_eq!((*first, *second), (Action::Filter, Action::CycleSort));
        }
        other => panic!("{other:?}"),
    }
    let text = err.to_string();
    assert!(text.contains("filter") && text.contains("cycle_sort"), "{text}");
    // Swapping two keys is not a conflict.
    Config::from_toml_str("[keys]\nmove_down = [\"k\"]\nmove_up = [\"j\"]\n").unwrap();
    // Quit needs a key.
    let err = Config::from_toml_str("[keys]\nquit = []\n").unwrap_err();
    assert!(matches!(err, ConfigError::Keys { source: KeymapError::NoQuitKey, .. }));
}

#[test]
fn colours_parse_in_every_spelling() {
    assert_eq!(parse_color("red"), Ok(Color::Red));
    assert_eq!(parse_color("lightblue"), Ok(Color::LightBlue));
    assert_eq!(parse_color("LightBlue"), Ok(Color::LightBlue));
    assert_eq!(parse_color("#ff8000"), Ok(Color::Rgb(255, 128, 0)));
    assert_eq!(parse_color("indexed:0"), Ok(Color::Indexed(0)));
    assert_eq!(parse_color("indexed:255"), Ok(Color::Indexed(255)));
    assert_eq!(parse_color("reset"), Ok(Color::Reset));
    for bad in ["indexed:256", "indexed:", "12", "#12345", "#gggggg", "", "blurple"] {
        assert!(parse_color(bad).is_err(), "{bad}");
    }
}

#[test]
fn sort_keys_cycle() {
    assert_eq!(SortKey::default(), SortKey::Name);
    assert_eq!(SortKey::Name.next(), SortKey::Size);
    assert_eq!(SortKey::Size.next(), SortKey::Mtime);
    assert_eq!(SortKey::Mtime.next(), SortKey::Name);
    let labels: Vec<_> = [SortKey::Name, SortKey::Size, SortKey::Mtime].map(SortKey::label).into();
    assert_eq!(labels, ["name", "size", "mtime"]);
}

#[test]
fn files_on_disk_missing_broken_and_odd() {
    let dir = tempfile::tempdir().unwrap();

    // Missing: the defaults.
    assert_eq!(Config::load_from(&dir.path().join("none.toml")).unwrap(), Config::default());

    // Valid.
    let good = dir.path().join("good.toml");
    std::fs::write(&good, "[general]\nsort = \"size\"\n").unwrap();
    assert_eq!(Config::load_from(&good).unwrap().sort, SortKey::Size);

    // Invalid: the path, line and column are in the message.
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[general]\nsort = \"size\"\nbogus = 1\n").unwrap();
    let err = Config::load_from(&bad).unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, ConfigError::Invalid { line: Some(3), .. }), "{err:?}");
    assert!(text.contains("bad.toml") && text.contains("line 3"), "{text}");

    // A key conflict names the file too.
    let clash = dir.path().join("clash.toml");
    std::fs::write(&clash, "[keys]\nhelp = [\"q\"]\n").unwrap();
    let text = Config::load_from(&clash).unwrap_err().to_string();
    assert!(text.contains("clash.toml") && text.contains("help"), "{text}");

    // A directory is not a config file.
    let err = Config::load_from(dir.path()).unwrap_err();
    assert!(matches!(err, ConfigError::NotAFile { .. }), "{err:?}");

    // Not UTF-8: a read error naming the file.
    let binary = dir.path().join("binary.toml");
    std::fs::write(&binary, b"\xff\xfe").unwrap();
    let err = Config::load_from(&binary).unwrap_err();
    assert!(matches!(err, ConfigError::Read { .. }), "{err:?}");
    assert!(err.to_string().contains("binary.toml"));
}

#[test]
fn the_override_wins_and_the_default_is_under_the_config_dir() {
    assert_eq!(path_from(Some("/tmp/x.toml".into())), Some(PathBuf::from("/tmp/x.toml")));
    // Set but empty means "not set", as for most XDG-style variables.
    let fallback = path_from(Some(OsString::new()));
    assert_eq!(fallback, path_from(None));
    if let Some(path) = fallback {
        assert!(path.ends_with("statree/config.toml"), "{}", path.display());
    }
}

#[test]
fn line_column_counts_characters() {
    assert_eq!(line_column("abc", 0), (1, 1));
    assert_eq!(line_column("a\nbc", 3), (2, 2));
    assert_eq!(line_column("é = 1", 3), (1, 3));
    assert_eq!(line_column("ab", 99), (1, 3));
}

#[test]
fn open_rules_and_column_sets_are_read_and_checked() {
    let config = Config::from_toml_str(
        r#"
        [open]
        opener_terminal = false

        [[open.rules]]
        glob = "*.log"
        with = "pager"

        [[open.rules]]
        mime = "image/*"
        with = "feh -F"

        [columns]
        cycle = [["owner", "mode"], ["count"]]
        "#,
    )
    .unwrap();
    assert!(!config.open.opener_terminal);
    assert_eq!(config.open.rule_for(b"x.log"), Some(&OpenWith::Pager));
    let feh = OpenWith::Command { words: vec!["feh".into(), "-F".into()], terminal: false };
    assert_eq!(config.open.rule_for(b"x.png"), Some(&feh));
    assert_eq!(config.open.rule_for(b"x.txt"), None);
    assert_eq!(config.columns, [vec![Column::Owner, Column::Mode], vec![Column::Count]]);
    // A column that does not exist, and a rule without a pattern, are errors
    // with their place.
    let (line, _, message) = invalid("[columns]\ncycle = [[\"size\"]]\n");
    assert_eq!(line, Some(2));
    assert!(message.contains("size"), "{message}");
    let (line, _, message) = invalid("[open]\n\n[[open.rules]]\nwith = \"pager\"\n");
    assert!(line.is_some(), "{message}");
    assert!(message.contains("exactly one of"), "{message}");
}
