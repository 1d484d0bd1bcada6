//! The user and group names of the system database (NSS: `/etc/passwd`,
//! `/etc/group`, LDAP…) for the owner editor, read on a job's thread since
//! a remote database may be slow.
//!
//! Listed by `getent passwd` and `getent group`, which go through the
//! system's NSS configuration as `getpwent`/`getgrent` would, without their
//! shared, non-reentrant state in this process. Without `getent` (or when it
//! fails), the local files are read instead.

use std::process::{Command, Stdio};

use crate::view::owner::Accounts;

/// Every user and group, sorted by name, duplicates dropped.
pub fn load() -> Accounts {
    Accounts {
        users: sorted(parse(&database("passwd", "/etc/passwd"))),
        groups: sorted(parse(&database("group", "/etc/group"))),
    }
}

/// The whole database `name` as `getent` prints it, else the file `path`;
/// nothing when neither can be read.
fn database(name: &str, path: &str) -> Vec<u8> {
    let listed =
        Command::new("getent").arg(name).stdin(Stdio::null()).stderr(Stdio::null()).output();
    match listed {
        Ok(out) if out.status.success() && !out.stdout.is_empty() => out.stdout,
        _ => std::fs::read(path).unwrap_or_default(),
    }
}

/// `(name, id)` from the lines of a passwd or group database: both have the
/// name in the first field and the id in the third (`name:x:id:…`). A line
/// with no name, fewer fields or an id that is not a decimal number within
/// `u32` is skipped, as are comments; a name that is not UTF-8 is kept with
/// replacement characters (its id is what the editor uses).
fn parse(text: &[u8]) -> Vec<(String, u32)> {
    text.split(|&b| b == b'\n')
        .filter_map(|line| {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let mut fields = line.split(|&b| b == b':');
            let name = fields.next().filter(|n| !n.is_empty() && !n.starts_with(b"#"))?;
            let _password = fields.next()?;
            let id = fields.next()?;
            // `u32::from_str` takes a leading `+`, the databases never do.
            if id.is_empty() || !id.iter().all(u8::is_ascii_digit) {
                return None;
            }
            let id = std::str::from_utf8(id).ok()?.parse::<u32>().ok()?;
            Some((String::from_utf8_lossy(name).into_owned(), id))
        })
        .collect()
}

fn sorted(mut entries: Vec<(String, u32)>) -> Vec<(String, u32)> {
    entries.sort();
    entries.dedup_by(|a, b| a.0 == b.0);
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users_and_groups_are_read_from_their_lines() {
        let passwd = b"root:x:0:0:root:/root:/bin/bash\n\
                       daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n\
                       ldapuser:*:100000:100000::/home/ldapuser:/bin/sh";
        assert_eq!(
            parse(passwd),
            [("root".into(), 0), ("daemon".into(), 1), ("ldapuser".into(), 100_000)]
        );
        let group = b"root:x:0:\nwheel:x:10:alice,bob\r\n";
        assert_eq!(parse(group), [("root".into(), 0), ("wheel".into(), 10)]);
    }

    #[test]
    fn malformed_lines_are_skipped_and_the_rest_kept() {
        let text = b"\n\
            # a comment:x:5:5\n\
            :x:7:7\n\
            short:x\n\
            noid:x::1\n\
            signed:x:+8:8\n\
            negative:x:-1:1\n\
            huge:x:4294967296:1\n\
            letters:x:12a:1\n\
            +::::::\n\
            max:x:4294967295:1\n\
            good:x:42:42:::";
        assert_eq!(parse(text), [("max".into(), u32::MAX), ("good".into(), 42)]);
        assert!(parse(b"").is_empty());
        assert!(parse(b"\xff\xfe\x00binary").is_empty());
    }

    #[test]
    fn a_name_that_is_not_utf8_keeps_its_id() {
        let parsed = parse(b"caf\xe9:x:1001:1001::/home/x:/bin/sh\n");
        assert_eq!(parsed, [("caf\u{fffd}".into(), 1001)]);
    }

    #[test]
    fn duplicates_keep_the_first_of_each_name_in_name_order() {
        let entries = vec![("b".into(), 2), ("a".into(), 9), ("a".into(), 1)];
        assert_eq!(sorted(entries), [("a".into(), 1), ("b".into(), 2)]);
    }

    #[test]
    fn root_is_among_the_loaded_accounts() {
        // root exists in every database; this checks the plumbing (getent
        // or the files), not a particular system.
        let accounts = load();
        assert!(accounts.users.iter().any(|(name, id)| name == "root" && *id == 0));
        assert!(accounts.groups.iter().any(|(_, id)| *id == 0));
    }
}
