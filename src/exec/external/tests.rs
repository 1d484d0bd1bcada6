//! Splitting the command variables, running and detaching programs.

use std::fs;
use std::time::{Duration, Instant};

use super::*;

fn words(value: &str) -> Result<Vec<String>, CommandError> {
    command_words("EDITOR", OsStr::new(value))
        .map(|w| w.iter().map(|w| w.to_string_lossy().into_owned()).collect())
}

#[test]
fn commands_split_as_a_shell_splits_them() {
    assert_eq!(words("  code --wait\t-n ").unwrap(), ["code", "--wait", "-n"]);
    assert_eq!(words(r#"less -R "+G""#).unwrap(), ["less", "-R", "+G"]);
    assert_eq!(words(r#"'/opt/my editor/bin/ed' -x"#).unwrap(), ["/opt/my editor/bin/ed", "-x"]);
    assert_eq!(words(r#"vim "+set ft=sh" a\ b"#).unwrap(), ["vim", "+set ft=sh", "a b"]);
    assert_eq!(words(r#"ed "it's" 'say "hi"'"#).unwrap(), ["ed", "it's", r#"say "hi""#]);
    // Nothing is expanded: no variables, no globs.
    assert_eq!(words("ed $HOME *.txt").unwrap(), ["ed", "$HOME", "*.txt"]);
    assert!(words("   ").unwrap().is_empty());
}

#[test]
fn an_unbalanced_quote_is_a_clear_error() {
    let err = words(r#"less "+G"#).unwrap_err();
    assert_eq!(err.name, "EDITOR");
    let text = err.to_string();
    assert!(text.starts_with("$EDITOR cannot be split into words"), "{text}");
    assert!(text.contains("quote"), "{text}");
    assert!(words("ed 'open").is_err());
}

#[test]
fn bytes_that_are_not_utf8_survive_the_split() {
    let value = OsStr::from_bytes(b"/opt/\xffed -x 'a \xfe b'");
    let split = command_words("PAGER", value).unwrap();
    let raw: Vec<&[u8]> = split.iter().map(|w| w.as_bytes()).collect();
    assert_eq!(raw, [&b"/opt/\xffed"[..], b"-x", b"a \xfe b"]);
}

#[test]
fn the_opener_is_chosen_from_the_environment_and_the_config() {
    let opener = Some(vec![OsString::from("rifle")]);
    let terminal = Openers { opener: opener.clone(), opener_terminal: true, display: true };
    assert_eq!(terminal.launch(), Launch::Terminal(vec!["rifle".into()]));
    let detached = Openers { opener, opener_terminal: false, display: false };
    assert_eq!(detached.launch(), Launch::Detached(vec!["rifle".into()]));
    let system = Openers { opener: None, opener_terminal: true, display: true };
    assert_eq!(system.launch(), Launch::System);
    let console = Openers { opener: None, opener_terminal: true, display: false };
    assert_eq!(console.launch(), Launch::PagerNoDisplay);
}

#[test]
fn a_failing_program_is_reported_with_its_status() {
    let programs = Programs { editor: vec!["false".into()], pager: vec!["true".into()] };
    let err = run(&programs, Path::new("/nonexistent"), false).unwrap_err();
    assert!(err.starts_with("false exited with"), "{err}");
    assert_eq!(run(&programs, Path::new("/nonexistent"), true), Ok(()));
    let missing = Programs { editor: vec!["/no/such/editor".into()], pager: vec![] };
    let err = run(&missing, Path::new("x"), false).unwrap_err();
    assert!(err.contains("cannot run /no/such/editor"), "{err}");
    assert!(run(&missing, Path::new("x"), true).is_err());
}

/// Polls for `path` to hold something; the detached program runs on its own.
fn wait_for_file(path: &Path) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(text) = fs::read_to_string(path)
            && text.ends_with('\n')
        {
            return text;
        }
        assert!(Instant::now() < deadline, "{} was never written", path.display());
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Fields 5 and 6 of /proc/self/stat: this process's group and session.
fn own_group_and_session() -> (String, String) {
    let stat = fs::read_to_string("/proc/self/stat").unwrap();
    // The name in parentheses may hold spaces: the fields follow the last `)`.
    let fields: Vec<&str> = stat[stat.rfind(')').unwrap() + 2..].split(' ').collect();
    (fields[2].to_owned(), fields[3].to_owned())
}

#[test]
fn a_detached_program_has_its_own_session_and_process_group_and_no_terminal_streams() {
    let tmp = tempfile::TempDir::new().unwrap();
    let out = tmp.path().join("out");
    // Fields 5, 6 and 7 of /proc/PID/stat: the process group, the session
    // and the controlling terminal; then where fd 0-2 lead. (Read into
    // variables first: a redirection would change the shell's own
    // descriptors while they are read.)
    let script = format!(
        "set -- $(sed 's/.*) //' /proc/$$/stat); a=$(readlink /proc/$$/fd/0); \
         b=$(readlink /proc/$$/fd/1); c=$(readlink /proc/$$/fd/2); \
         printf '%s %s %s %s\\n%s\\n%s\\n%s\\n' $$ $3 $4 $5 $a $b $c > {out}.tmp; \
         mv {out}.tmp {out}",
        out = out.display()
    );
    let words = vec![OsString::from("sh"), OsString::from("-c"), OsString::from(script)];
    let name = open_detached(&words, Path::new("/the/file")).unwrap();
    assert_eq!(name, "sh");
    // Not waited for: the call returns before the program has done anything
    // worth waiting for (its output appears afterwards).
    let text = wait_for_file(&out);
    let lines: Vec<&str> = text.lines().collect();
    let ids: Vec<&str> = lines[0].split(' ').collect();
    assert_eq!(ids[0], ids[1], "the process leads its own group: {text}");
    // The test's own group and session, from /proc: in a pid namespace
    // whose session leader is outside it (as in CI) both read as 0, which
    // rustix's getpgrp and getsid cannot return.
    let (our_group, our_session) = own_group_and_session();
    assert_ne!(ids[1], our_group, "{text}");
    // It leads a session of its own, out of the test's (and its terminal's).
    assert_eq!(ids[0], ids[2], "the process leads its own session: {text}");
    assert_ne!(ids[2], our_session, "{text}");
    assert_eq!(ids[3], "0", "no controlling terminal: {text}");
    assert_eq!(&lines[1..4], ["/dev/null"; 3], "{text}");
}

#[test]
fn programs_are_found_as_execvp_finds_them() {
    let sh = find_program(OsStr::new("sh")).unwrap();
    assert!(sh.is_absolute() && sh.ends_with("sh"), "{}", sh.display());
    assert_eq!(find_program(OsStr::new("/bin/sh")).unwrap(), Path::new("/bin/sh"));
    for missing in ["/no/such/program", "no-such-program-statree", ""] {
        let err = find_program(OsStr::new(missing)).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::NotFound, "{missing}: {err}");
    }
    // A directory, or a file without the execute permission, cannot be run.
    let tmp = tempfile::TempDir::new().unwrap();
    assert!(find_program(tmp.path().as_os_str()).is_err());
    let plain = tmp.path().join("plain");
    fs::write(&plain, "").unwrap();
    assert!(find_program(plain.as_os_str()).is_err());
}

#[test]
fn a_program_that_cannot_start_is_an_error_naming_it() {
    let err = open_detached(&[OsString::from("/no/such/opener")], Path::new("f")).unwrap_err();
    assert!(err.starts_with("cannot run /no/such/opener"), "{err}");
    assert!(open_detached(&[], Path::new("f")).is_err());
}
