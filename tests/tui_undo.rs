//! Bulk rename, the owner editor, undo and the journal through the real
//! update loop and the inline executor (an `EDITOR` script for `E`), drawn
//! on ratatui's `TestBackend`; the disk is checked after each step.

mod tui_support;

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;

use statree::exec::InlineExecutor;
use statree::exec::external::Programs;
use statree::view::Mode;
use tui_support::{Fixture, Harness, fixed_length_tempdir, path_from};

fn status(h: &Harness) -> String {
    h.state.screen.status.as_ref().map(|m| m.text.clone()).unwrap_or_default()
}

/// Uses `script` (a shell body; `$1` is the file) as the editor.
fn with_editor(h: &mut Harness, dir: &Path, script: &str) {
    let editor = dir.join("editor.sh");
    fs::write(&editor, format!("#!/bin/sh\n{script}\n")).unwrap();
    fs::set_permissions(&editor, fs::Permissions::from_mode(0o755)).unwrap();
    let programs = Programs { editor: vec![editor.into()], pager: vec!["true".into()] };
    h.io = InlineExecutor::default().with_programs(programs);
}

fn mode(path: &Path) -> u32 {
    fs::symlink_metadata(path).unwrap().mode() & 0o7777
}

/// A directory with a swap pair and two hostile names.
fn hostile_dir() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = fixed_length_tempdir();
    let root = tmp.path().join("names");
    fs::create_dir(&root).unwrap();
    for (name, content) in [
        (&b"a"[..], &b"A"[..]),
        (b"b", b"B"),
        (b"bad\xff", b"invalid utf-8"),
        (b"new\nline", b"newline"),
        (b"back\\slash", b"backslash"),
    ] {
        fs::write(root.join(path_from(name)), content).unwrap();
    }
    (tmp, root)
}

#[test]
fn e_renames_a_swap_and_hostile_names_after_the_preview_and_u_puts_them_back() {
    let (tmp, root) = hostile_dir();
    let mut h = Harness::scan(vec![root.clone()], (100, 30));
    // The file the editor gets holds the sanitizer's escapes: a literal
    // backslash is `\\`; the script checks it and writes the new names.
    let expected = "a\\nb\\nback\\\\\\\\slash\\nbad\\\\xff\\nnew\\\\nline\\n";
    with_editor(
        &mut h,
        tmp.path(),
        &format!(
            "[ \"$(cat \"$1\")\" = \"$(printf '{expected}')\" ] || exit 3\n\
             cat > \"$1\" <<'EOF'\nb\na\nback\\\\slash\\x01\nx-bad\\xff\nx-new\\nline\nEOF"
        ),
    );
    h.press("E");
    let Mode::Confirm(confirm) = &h.state.mode else {
        panic!("no preview: {}", status(&h));
    };
    assert_eq!(confirm.title, "Rename these entries?");
    let text = confirm.lines.join("\n");
    for line in [
        "a → b",
        "b → a",
        "back\\\\slash → back\\\\slash\\x01",
        "bad\\xff → x-bad\\xff",
        "new\\nline → x-new\\nline",
    ] {
        assert!(text.contains(line), "{line} not in\n{text}");
    }
    assert!(text.contains("y / Enter: yes"), "Enter confirms a rename undo can take back");
    h.press("enter");
    assert_eq!(status(&h), "renamed 5 entries");
    let read = |name: &[u8]| fs::read(root.join(path_from(name))).unwrap();
    assert_eq!(read(b"a"), b"B");
    assert_eq!(read(b"b"), b"A");
    assert_eq!(read(b"x-bad\xff"), b"invalid utf-8");
    assert_eq!(read(b"x-new\nline"), b"newline");
    assert_eq!(read(b"back\\slash\x01"), b"backslash");
    assert_eq!(fs::read_dir(&root).unwrap().count(), 5, "no temporary name left");

    h.press("u");
    assert!(status(&h).starts_with("undone: renamed 5 entries"), "{}", status(&h));
    assert_eq!(read(b"a"), b"A");
    assert_eq!(read(b"bad\xff"), b"invalid utf-8");
    assert_eq!(read(b"new\nline"), b"newline");
    assert_eq!(read(b"back\\slash"), b"backslash");
}

#[test]
fn e_refuses_a_batch_with_a_line_removed_or_a_duplicate() {
    let (tmp, root) = hostile_dir();
    let before: Vec<_> = fs::read_dir(&root).unwrap().map(|e| e.unwrap().file_name()).collect();
    let mut h = Harness::scan(vec![root.clone()], (100, 30));
    for (script, why) in [
        ("sed -i '$d' \"$1\"", "the edited list has 4 lines for 5 entries"),
        ("sed -i 's/^b$/a/' \"$1\"", "\"a\" is the new name of two entries"),
        ("sed -i 's/^b$/x\\/y/' \"$1\"", "a name cannot contain '/'"),
        ("sed -i 's/^b$//' \"$1\"", "a name cannot be empty"),
        ("sed -i 's/^b$/x\\\\q/' \"$1\"", "unknown escape"),
        ("exit 1", "exited with"),
    ] {
        with_editor(&mut h, tmp.path(), script);
        h.press("E");
        assert!(matches!(h.state.mode, Mode::Normal), "{script}");
        let said = status(&h);
        assert!(said.starts_with("nothing renamed: ") && said.contains(why), "{why}: {said}");
        let now: Vec<_> = fs::read_dir(&root).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(now, before, "{script}: nothing renamed");
    }
    // An entry outside the batch: only two marked, the new name exists.
    h.select("a");
    h.press("space");
    h.press("space");
    with_editor(&mut h, tmp.path(), "printf 'new\\\\nline\\nb\\n' > \"$1\"");
    h.press("E");
    let said = status(&h);
    assert!(said.contains("already exists outside the batch"), "{said}");
}

#[test]
fn u_undoes_chmod_and_rename_and_u_lists_the_journal() {
    let fx = Fixture::new();
    let gamma = fx.root.join("gamma.txt");
    fs::set_permissions(&gamma, fs::Permissions::from_mode(0o644)).unwrap();
    let mut h = Harness::fixture(&fx, (100, 30));
    h.press("u");
    assert_eq!(status(&h), "nothing to undo since statree started");

    h.select("gamma.txt");
    h.press("p");
    h.type_text("600");
    h.press("enter");
    assert_eq!(mode(&gamma), 0o600);
    h.select("large.log");
    h.press("r");
    h.press("ctrl-u");
    h.type_text("sub/moved.log");
    h.press("enter");
    assert!(fx.root.join("sub/moved.log").exists());

    h.press("U");
    let screen = h.render(100, 30);
    assert!(screen.contains("Undo journal (2 actions"), "{screen}");
    assert!(screen.contains("u → 2. renamed"), "{screen}");
    assert!(screen.contains("undo would move it back to"), "{screen}");
    assert!(screen.contains("1. mode of"), "{screen}");
    assert!(screen.contains("0644 → 0600"), "{screen}");
    assert!(screen.contains("undo would set the mode back to 0644"), "{screen}");
    h.press("esc");

    h.press("u");
    assert!(status(&h).starts_with("undone: renamed"), "{}", status(&h));
    assert!(fx.root.join("large.log").exists());
    assert!(!fx.root.join("sub/moved.log").exists());
    h.press("u");
    assert!(status(&h).starts_with("undone: mode of"), "{}", status(&h));
    assert_eq!(mode(&gamma), 0o644);

    // An outside change since: the undo is refused and says why.
    h.select("gamma.txt");
    h.press("p");
    h.type_text("600");
    h.press("enter");
    fs::set_permissions(&gamma, fs::Permissions::from_mode(0o640)).unwrap();
    h.press("u");
    let said = status(&h);
    assert!(said.contains("undo refused") && said.contains("its mode changed since"), "{said}");
    assert_eq!(mode(&gamma), 0o640);
    h.press("U");
    let screen = h.render(100, 30);
    assert!(screen.contains("undo refused (passed over by u): its mode changed since"), "{screen}");
    assert!(screen.contains("undone"), "{screen}");
}

#[test]
fn o_changes_the_owner_by_name_and_u_gives_it_back() {
    let Some(nobody) = uzers::get_user_by_name("nobody") else { return };
    if !rustix::process::geteuid().is_root() {
        return;
    }
    let fx = Fixture::new();
    let gamma = fx.root.join("gamma.txt");
    let mut h = Harness::fixture(&fx, (100, 30));
    h.select("gamma.txt");
    h.press("O");
    assert!(matches!(h.state.mode, Mode::Owner(_)));
    h.type_text("nobod");
    let screen = h.render(100, 30);
    assert!(screen.contains("owner of gamma.txt"), "{screen}");
    assert!(screen.contains(&format!("nobody ({})", nobody.uid())), "{screen}");
    h.press("enter");
    assert_eq!(fs::metadata(&gamma).unwrap().uid(), nobody.uid());
    assert!(status(&h).contains(&format!("owner now {}:0", nobody.uid())), "{}", status(&h));
    h.press("u");
    assert!(status(&h).starts_with("undone: owner of"), "{}", status(&h));
    assert_eq!(fs::metadata(&gamma).unwrap().uid(), 0);

    // A symlink is left alone unless asked for (Ctrl-l).
    let link = fx.root.join("link");
    h.select("link");
    h.press("O");
    h.type_text(&nobody.uid().to_string());
    h.press("enter");
    assert!(status(&h).contains("symbolic link"), "{}", status(&h));
    assert_eq!(fs::symlink_metadata(&link).unwrap().uid(), 0);
    h.press("O");
    h.press("ctrl-l");
    h.type_text(&nobody.uid().to_string());
    h.press("enter");
    assert_eq!(fs::symlink_metadata(&link).unwrap().uid(), nobody.uid());
    assert_eq!(fs::metadata(&gamma).unwrap().uid(), 0, "the target never changes");
}

#[test]
fn a_long_bulk_rename_preview_scrolls_and_keeps_its_keys_line_on_screen() {
    let tmp = fixed_length_tempdir();
    let root = tmp.path().join("many");
    fs::create_dir(&root).unwrap();
    for i in 0..40 {
        fs::write(root.join(format!("f{i:03}")), b"x").unwrap();
    }
    let (w, height) = (100, 20);
    let mut h = Harness::scan(vec![root.clone()], (w, height));
    with_editor(&mut h, tmp.path(), "sed -i 's/^/x-/' \"$1\"");
    h.press("E");
    assert!(matches!(h.state.mode, Mode::Confirm(_)), "no preview: {}", status(&h));
    // 40 renames and a blank line scroll; 17 fit (20 lines, less the
    // box's edges and the keys line).
    let screen = h.render(w, height);
    assert!(screen.contains("f000 → x-f000"), "{screen}");
    assert!(!screen.contains("f017 → x-f017"), "{screen}");
    assert!(screen.contains("1-17 of 41 · j/k PgDn/PgUp g/G"), "{screen}");
    assert!(screen.contains("y / Enter: yes"), "{screen}");
    h.press("j");
    let screen = h.render(w, height);
    assert!(!screen.contains("f000 → x-f000") && screen.contains("f017 → x-f017"), "{screen}");
    assert!(screen.contains("2-18 of 41"), "{screen}");
    h.press("k");
    h.press("pagedown");
    let screen = h.render(w, height);
    assert!(screen.contains("18-34 of 41") && screen.contains("f017 → x-f017"), "{screen}");
    h.press("G");
    let screen = h.render(w, height);
    assert!(screen.contains("f039 → x-f039"), "{screen}");
    assert!(screen.contains("25-41 of 41 · end · g: top"), "{screen}");
    assert!(screen.contains("y / Enter: yes"), "the keys line scrolled away:\n{screen}");
    // Never past the end.
    h.press("j");
    assert!(h.render(w, height).contains("25-41 of 41"));
    h.press("pageup");
    assert!(h.render(w, height).contains("8-24 of 41"));
    h.press("g");
    assert!(h.render(w, height).contains("1-17 of 41"));
    // Scrolling answered nothing; `y` still renames all 40.
    assert!(matches!(h.state.mode, Mode::Confirm(_)));
    h.press("y");
    assert!(root.join("x-f000").exists() && root.join("x-f039").exists(), "{}", status(&h));
    assert!(!root.join("f039").exists());
}
