//! `Enter` on files (the `[open]` rules, `$OPENER` in the terminal or
//! detached, the pager without a display), the chooser (`--chooser-file`,
//! `--chooser-file0`: what is chosen, marks, a newline refused, the bytes
//! written) and the help overlay's scrolling, on `TestBackend` with the
//! inline executor. The real binary in a terminal: `tui_pty_open.rs`.

mod tui_support;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use statree::config::Config;
use statree::exec::external::{Openers, Programs};
use statree::view::open::Chooser;
use statree::view::{Effect, Mode};
use tui_support::*;

const SIZE: (u16, u16) = (80, 24);

fn status(h: &Harness) -> String {
    h.state.screen.status.as_ref().map(|m| m.text.clone()).unwrap_or_default()
}

/// A script that writes its last argument, exactly, to `out`.
fn recorder(dir: &Path, out: &Path) -> PathBuf {
    let script = dir.join("record.sh");
    let text = format!(
        "#!/bin/sh\nfor a; do last=$a; done\nprintf '%s' \"$last\" > '{}'\n",
        out.display()
    );
    fs::write(&script, text).unwrap();
    fs::set_permissions(&script, fs::Permissions::from_mode(0o755)).unwrap();
    script
}

fn with_opener(h: &mut Harness, opener: &Path, opener_terminal: bool) {
    let openers = Openers {
        opener: Some(vec![opener.as_os_str().to_os_string()]),
        opener_terminal,
        display: false,
    };
    h.io = std::mem::take(&mut h.io)
        .with_openers(openers)
        .with_programs(Programs { editor: vec!["false".into()], pager: vec!["false".into()] });
}

fn wait_for(path: &Path) -> Vec<u8> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(bytes) = fs::read(path)
            && !bytes.is_empty()
        {
            return bytes;
        }
        assert!(Instant::now() < deadline, "{} was never written", path.display());
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The fixture plus names no terminal should see raw.
fn hostile_fixture() -> Fixture {
    let f = Fixture::new();
    for name in [&b"new\nline.txt"[..], b"esc\x1b[31mred.txt", b"bad\xff.bin"] {
        fs::write(f.root.join(path_from(name)), "x\n").unwrap();
    }
    f
}

#[test]
fn enter_on_a_file_runs_the_opener_in_the_terminal_with_the_exact_path() {
    let f = hostile_fixture();
    let mut h = Harness::fixture(&f, SIZE);
    let out = f.tmp.path().join("opened");
    let script = recorder(f.tmp.path(), &out);
    with_opener(&mut h, &script, true);
    for name in [&b"gamma.txt"[..], b"new\nline.txt", b"esc\x1b[31mred.txt", b"bad\xff.bin"] {
        let _ = fs::remove_file(&out);
        let id = h.child_named(name);
        let row = h.state.rows.position(id).unwrap();
        h.send(statree::view::Msg::Key(key_event("g")));
        for _ in 0..row {
            h.press("j");
        }
        let effects = h.press("enter");
        assert!(matches!(effects[..], [Effect::Open { command: None, .. }]), "{effects:?}");
        // The inline runner waited for it, as the loop does with the
        // terminal handed over.
        assert_eq!(fs::read(&out).unwrap(), path_bytes(&f.root.join(path_from(name))));
        assert!(!h.state.screen.quit);
    }
}

#[test]
fn a_detached_opener_is_started_and_the_interface_goes_on() {
    let f = Fixture::new();
    let mut h = Harness::fixture(&f, SIZE);
    let out = f.tmp.path().join("opened");
    let script = recorder(f.tmp.path(), &out);
    with_opener(&mut h, &script, false);
    h.select("gamma.txt");
    h.press("enter");
    assert_eq!(status(&h), format!("opened gamma.txt with {}", script.display()));
    assert_eq!(wait_for(&out), path_bytes(&f.root.join("gamma.txt")));
    // One that cannot start says so.
    with_opener(&mut h, Path::new("/no/such/opener"), false);
    h.press("enter");
    assert!(status(&h).starts_with("cannot open gamma.txt: cannot run /no/such/opener"));
}

#[test]
fn without_a_display_or_opener_the_pager_opens_it_and_says_why() {
    let f = Fixture::new();
    let mut h = Harness::fixture(&f, SIZE);
    let out = f.tmp.path().join("paged");
    let script = recorder(f.tmp.path(), &out);
    h.io = std::mem::take(&mut h.io)
        .with_openers(Openers { opener: None, opener_terminal: true, display: false })
        .with_programs(Programs { editor: vec!["false".into()], pager: vec![script.into()] });
    h.select("gamma.txt");
    let effects = h.press("enter");
    assert!(matches!(effects[..], [Effect::Open { command: None, .. }]), "{effects:?}");
    assert_eq!(fs::read(&out).unwrap(), path_bytes(&f.root.join("gamma.txt")));
    assert_eq!(status(&h), "no display and no $OPENER: opened in the pager");
}

#[test]
fn open_rules_pick_the_pager_the_editor_or_a_command() {
    let f = Fixture::new();
    let mut h = Harness::fixture(&f, SIZE);
    h.io = std::mem::take(&mut h.io)
        .with_programs(Programs { editor: vec!["true".into()], pager: vec!["true".into()] });
    let config = Config::from_toml_str(
        r#"
        [[open.rules]]
        glob = "*.log"
        with = "pager"

        [[open.rules]]
        mime = "text/*"
        with = "editor"

        [[open.rules]]
        glob = "*"
        with = "true --flag"
        terminal = true
        "#,
    )
    .unwrap();
    h.state.open.rules = config.open;
    h.select("large.log");
    let effects = h.press("enter");
    assert!(matches!(effects[..], [Effect::OpenExternal { pager: true, .. }]), "{effects:?}");
    h.select("gamma.txt");
    let effects = h.press("enter");
    assert!(matches!(effects[..], [Effect::OpenExternal { pager: false, .. }]), "{effects:?}");
    h.select("alpha");
    h.press("l");
    h.select("alpha/big.bin");
    let effects = h.press("enter");
    let words = vec!["true".to_string(), "--flag".to_string()];
    assert!(
        matches!(&effects[..], [Effect::Open { command: Some((w, true)), .. }] if *w == words),
        "{effects:?}"
    );
}

#[test]
fn enter_keeps_toggling_directories_and_refuses_links_and_special_files() {
    let f = Fixture::new();
    rustix::fs::mknodat(
        rustix::fs::CWD,
        f.root.join("pipe"),
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::from_raw_mode(0o644),
        0,
    )
    .unwrap();
    let mut h = Harness::fixture(&f, SIZE);
    h.select("alpha");
    h.press("enter");
    assert!(h.state.rows.is_expanded(h.node("alpha")));
    h.press("enter");
    assert!(!h.state.rows.is_expanded(h.node("alpha")));
    for (rel, why) in [("link", "symlink"), ("pipe", "FIFO")] {
        h.select(rel);
        let effects = h.press("enter");
        assert!(effects.iter().all(|e| !matches!(e, Effect::Open { .. })), "{effects:?}");
        assert!(status(&h).contains(why), "{rel}: {}", status(&h));
    }
}

fn chooser(h: &mut Harness, file: &Path, nul: bool) {
    h.state.open.chooser = Some(Chooser { file: file.to_path_buf(), nul });
}

#[test]
fn the_chooser_takes_the_file_or_the_marks_and_quits() {
    let f = Fixture::new();
    let mut h = Harness::fixture(&f, SIZE);
    let file = f.tmp.path().join("chosen");
    chooser(&mut h, &file, false);
    // On a directory without marks Enter still expands it.
    h.select("alpha");
    let effects = h.press("enter");
    assert!(effects.iter().all(|e| *e != Effect::Quit), "{effects:?}");
    assert!(h.state.rows.is_expanded(h.node("alpha")));
    h.select("gamma.txt");
    let effects = h.press("enter");
    assert!(effects.contains(&Effect::Quit), "{effects:?}");
    assert!(h.state.screen.quit);
    assert_eq!(h.state.open.chosen, Some(vec![f.root.join("gamma.txt")]));
    statree::tui::chooser::write_chosen(&h.state).unwrap();
    assert_eq!(fs::read(&file).unwrap(), [path_bytes(&f.root.join("gamma.txt")), b"\n"].concat());

    // With marks: the marked entries, directories too, wherever the cursor is.
    let mut h = Harness::fixture(&f, SIZE);
    chooser(&mut h, &file, false);
    h.select("beta");
    h.press("space");
    h.select("large.log");
    h.press("space");
    h.select("alpha");
    h.press("enter");
    assert!(h.state.screen.quit);
    let chosen = h.state.open.chosen.clone().unwrap();
    assert_eq!(chosen.len(), 2);
    assert!(chosen.contains(&f.root.join("beta")) && chosen.contains(&f.root.join("large.log")));
}

#[test]
fn a_newline_in_a_name_is_refused_one_a_line_and_kept_exactly_with_nul() {
    let f = hostile_fixture();
    let file = f.tmp.path().join("chosen");
    let mut h = Harness::fixture(&f, SIZE);
    chooser(&mut h, &file, false);
    let id = h.child_named(b"new\nline.txt");
    let row = h.state.rows.position(id).unwrap();
    for _ in 0..row {
        h.press("j");
    }
    let effects = h.press("enter");
    assert!(!effects.contains(&Effect::Quit), "{effects:?}");
    assert!(!h.state.screen.quit);
    assert!(h.state.open.chosen.is_none());
    let said = status(&h);
    assert!(said.contains("new\\nline.txt holds a newline"), "{said}");
    assert!(said.contains("--chooser-file0"), "{said}");
    assert!(!file.exists(), "nothing was written");

    // NUL-separated: every hostile name comes back byte for byte.
    chooser(&mut h, &file, true);
    for name in [&b"new\nline.txt"[..], b"esc\x1b[31mred.txt", b"bad\xff.bin"] {
        let id = h.child_named(name);
        let row = h.state.rows.position(id).unwrap();
        h.press("g");
        for _ in 0..row {
            h.press("j");
        }
        h.press("space");
    }
    h.press("enter");
    assert!(h.state.screen.quit);
    statree::tui::chooser::write_chosen(&h.state).unwrap();
    let written = fs::read(&file).unwrap();
    let mut paths: Vec<&[u8]> = written.split(|&b| b == 0).collect();
    assert_eq!(paths.pop(), Some(&b""[..]), "each path ends with a NUL");
    paths.sort();
    let mut expected: Vec<Vec<u8>> = [&b"new\nline.txt"[..], b"esc\x1b[31mred.txt", b"bad\xff.bin"]
        .iter()
        .map(|n| path_bytes(&f.root.join(path_from(n))).to_vec())
        .collect();
    expected.sort();
    assert_eq!(paths, expected.iter().map(Vec::as_slice).collect::<Vec<_>>());
}

#[test]
fn a_chooser_file_that_cannot_be_written_is_named_in_the_error() {
    let f = Fixture::new();
    let mut h = Harness::fixture(&f, SIZE);
    let file = f.tmp.path().join("no-such-dir/chosen\nfile");
    chooser(&mut h, &file, false);
    h.select("gamma.txt");
    h.press("enter");
    let err = statree::tui::chooser::write_chosen(&h.state).unwrap_err().to_string();
    assert!(err.starts_with("chooser file "), "{err}");
    assert!(err.contains("no-such-dir/chosen\\nfile"), "the name, sanitized: {err}");
    // Quitting without a choice writes nothing.
    let mut h = Harness::fixture(&f, SIZE);
    chooser(&mut h, &f.tmp.path().join("untouched"), true);
    h.press("q");
    statree::tui::chooser::write_chosen(&h.state).unwrap();
    assert!(!f.tmp.path().join("untouched").exists());
}

#[test]
fn the_help_scrolls_with_an_indicator_and_stops_at_its_end() {
    let f = Fixture::new();
    let mut h = Harness::fixture(&f, SIZE);
    h.press("?");
    let total = statree::view::help::lines(&h.state).len();
    let shown = usize::from(SIZE.1) - 2;
    let last = (total - shown) as u16;
    let screen = h.screen();
    assert!(screen.contains(&format!(" 1-{shown} of {total} · j/k PgDn/PgUp g/G ")), "{screen}");
    h.press("pagedown");
    assert_eq!(h.state.mode, Mode::Help { scroll: shown as u16 });
    h.press("G");
    assert_eq!(h.state.mode, Mode::Help { scroll: last });
    h.press("j");
    assert_eq!(h.state.mode, Mode::Help { scroll: last }, "not past the end");
    h.press("pagedown");
    assert_eq!(h.state.mode, Mode::Help { scroll: last });
    let screen = h.screen();
    assert!(screen.contains("Esc, q or any other key closes this help"), "{screen}");
    assert!(screen.contains(&format!(" {}-{total} of {total} · end · g: top ", last + 1)));
    insta::assert_snapshot!("help_scrolled_80x24", h.snapshot_frame());
    h.press("k");
    assert_eq!(h.state.mode, Mode::Help { scroll: last - 1 });
    h.press("pageup");
    h.press("g");
    assert_eq!(h.state.mode, Mode::Help { scroll: 0 });
    h.press("esc");
    assert_eq!(h.state.mode, Mode::Normal);
    // Tall enough for all of it: no indicator, no scrolling.
    h.resize(100, total as u16 + 4);
    h.press("?");
    assert!(!h.screen().contains(&format!(" of {total}")));
    h.press("G");
    assert_eq!(h.state.mode, Mode::Help { scroll: 0 });
}

#[test]
fn the_man_page_has_keys_files_and_environment_with_every_actions_keys() {
    let mut page = Vec::new();
    statree::cli::write_man(&mut page).unwrap();
    // roff spells a hyphen `\-` and an apostrophe `\*(Aq`.
    let page = String::from_utf8(page).unwrap().replace("\\-", "-").replace("\\*(Aq", "'");
    for section in [".SH KEYS", ".SH FILES", ".SH ENVIRONMENT"] {
        assert!(page.contains(section), "{section} missing");
    }
    let keys_section = &page[page.find(".SH KEYS").unwrap()..page.find(".SH FILES").unwrap()];
    for (keys, description) in statree::keymap::KeyMap::default().help_lines() {
        assert!(
            keys_section.contains(&format!("\\fB{keys}\\fR")),
            "{keys} missing:\n{keys_section}"
        );
        assert!(keys_section.contains(description), "{description} missing:\n{keys_section}");
    }
}
