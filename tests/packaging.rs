//! What the Debian package and a release rest on, checked without
//! cargo-deb: the package metadata in Cargo.toml, every asset it names
//! (the generated ones generated here, by `packaging/gen-assets` from the
//! binary under test, exactly the set the metadata packs), the dist
//! profile, the declared toolchain and `forbid(unsafe_code)`.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use toml::{Table, Value};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn manifest() -> Table {
    let text = fs::read_to_string(root().join("Cargo.toml")).unwrap();
    toml::from_str(&text).unwrap()
}

fn table<'a>(t: &'a Table, key: &str) -> &'a Table {
    t.get(key).and_then(Value::as_table).unwrap_or_else(|| panic!("[{key}] missing"))
}

fn string<'a>(t: &'a Table, key: &str) -> &'a str {
    t.get(key).and_then(Value::as_str).unwrap_or_else(|| panic!("{key} missing"))
}

/// `[package.metadata.deb]` assets as (source, destination, mode).
fn assets() -> Vec<(String, String, String)> {
    let m = manifest();
    let deb = table(table(table(&m, "package"), "metadata"), "deb");
    let list = deb.get("assets").and_then(Value::as_array).expect("assets");
    list.iter()
        .map(|a| {
            let a: Vec<&str> = a.as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
            assert_eq!(a.len(), 3, "{a:?}");
            (a[0].to_string(), a[1].to_string(), a[2].to_string())
        })
        .collect()
}

/// What cargo-deb calls `target/release/` (the profile's directory).
const BUILT: &str = "target/release/";
const GENERATED: &str = "target/release/assets/";

/// Runs `packaging/gen-assets` on the binary under test into a temp dir.
fn generate() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let status = Command::new(root().join("packaging/gen-assets"))
        .arg(env!("CARGO_BIN_EXE_statree"))
        .arg(dir.path())
        .env_remove("STATREE_LOG")
        .status()
        .unwrap();
    assert!(status.success());
    dir
}

fn names_in(dir: &Path) -> BTreeSet<String> {
    fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect()
}

#[test]
fn the_package_metadata_is_complete_and_honest() {
    let m = manifest();
    let package = table(&m, "package");
    // The synopsis of the package (and --help's first line): one short line.
    let description = string(package, "description");
    assert!(description.len() <= 80 && !description.ends_with('.'), "{description}");
    assert_eq!(string(package, "license"), "MIT");
    assert!(root().join("LICENSE").is_file());
    let keywords = package.get("keywords").and_then(Value::as_array).unwrap();
    assert!((1..=5).contains(&keywords.len()), "crates.io takes at most five");
    let categories = package.get("categories").and_then(Value::as_array).unwrap();
    assert!(categories.iter().any(|c| c.as_str() == Some("command-line-utilities")));
    // No public address exists yet: none is made up.
    for key in ["repository", "homepage"] {
        assert!(package.get(key).is_none(), "{key}: add it only when it is real");
    }
    let deb = table(table(package, "metadata"), "deb");
    assert_eq!(string(deb, "profile"), "dist");
    assert!(!string(deb, "maintainer").is_empty());
    assert!(string(deb, "extended-description").len() > description.len());
}

#[test]
fn the_dist_profile_is_optimised_and_stripped() {
    let m = manifest();
    let dist = table(table(&m, "profile"), "dist");
    assert_eq!(string(dist, "inherits"), "release");
    assert_eq!(dist.get("codegen-units").and_then(Value::as_integer), Some(1));
    assert_eq!(dist.get("strip").and_then(Value::as_bool), Some(true));
    assert!(dist.get("lto").is_some_and(|v| v.as_str() == Some("fat")));
}

#[test]
fn every_asset_exists_and_the_generated_ones_are_exactly_what_is_packed() {
    let generated = generate();
    let mut packed = BTreeSet::new();
    let mut destinations = BTreeSet::new();
    for (source, dest, mode) in assets() {
        assert!(!dest.starts_with('/') && dest.starts_with("usr/"), "{dest}");
        assert!(destinations.insert(dest.clone()), "{dest} twice");
        if let Some(name) = source.strip_prefix(GENERATED) {
            assert!(generated.path().join(name).is_file(), "{name} not generated");
            packed.insert(name.to_string());
            assert_eq!(mode, "644", "{source}");
        } else if let Some(name) = source.strip_prefix(BUILT) {
            assert_eq!(name, "statree", "the one binary");
            assert!(Path::new(env!("CARGO_BIN_EXE_statree")).is_file());
            assert_eq!((dest.as_str(), mode.as_str()), ("usr/bin/", "755"));
        } else {
            assert!(root().join(&source).is_file(), "{source} missing");
            assert_eq!(mode, "644", "{source}");
        }
    }
    assert_eq!(packed, names_in(generated.path()), "generated but not packed, or the reverse");
    // Where Debian's tools look for each.
    let expected = [
        "usr/bin/",
        "usr/share/man/man1/",
        "usr/share/bash-completion/completions/statree",
        "usr/share/zsh/vendor-completions/",
        "usr/share/fish/vendor_completions.d/",
    ];
    for dest in expected {
        assert!(destinations.contains(dest), "{dest} not packed");
    }
}

#[test]
fn the_generated_man_page_and_completions_are_what_they_claim() {
    let dir = generate();
    let gz = dir.path().join("statree.1.gz");
    assert_eq!(fs::read(&gz).unwrap()[..2], [0x1f, 0x8b], "gzip's magic");
    let out = Command::new("gzip").arg("-dc").arg(&gz).output().unwrap();
    assert!(out.status.success());
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.contains(".TH statree 1"), "{page}");
    assert!(page.replace("\\-", "-").contains("--one-file-system"), "{page}");
    let bash = dir.path().join("statree.bash");
    let check = Command::new("bash").arg("-n").arg(&bash).status().unwrap();
    assert!(check.success(), "bash -n");
    assert!(fs::read_to_string(&bash).unwrap().contains("complete -F _statree"));
    let zsh = fs::read_to_string(dir.path().join("_statree")).unwrap();
    assert!(zsh.starts_with("#compdef statree"), "{zsh}");
    let fish = fs::read_to_string(dir.path().join("statree.fish")).unwrap();
    assert!(fish.contains("complete -c statree"), "{fish}");
}

#[test]
fn the_declared_toolchain_is_the_one_ci_checks() {
    let m = manifest();
    let declared = string(table(&m, "package"), "rust-version");
    let ci = fs::read_to_string(root().join(".ci/run")).unwrap();
    assert!(ci.contains("rust-version"), ".ci/run compares rustc with rust-version");
    // The README tells the same version.
    let readme = fs::read_to_string(root().join("README.md")).unwrap();
    assert!(readme.contains(&format!("Rust {declared} or newer")), "README names {declared}");
}

#[test]
fn no_unsafe_code_is_allowed_in_the_crate() {
    for file in ["src/main.rs", "build.rs"] {
        let text = fs::read_to_string(root().join(file)).unwrap();
        assert!(text.contains("#![forbid(unsafe_code)]"), "{file}");
    }
    // The library denies it, with three allowed exceptions: the user and
    // group database can only be enumerated through getpwent/getgrent, and
    // neither fork nor mallopt has a safe form.
    let lib = fs::read_to_string(root().join("src/lib.rs")).unwrap();
    assert!(lib.contains("#![deny(unsafe_code)]"));
    let mut allowed = Vec::new();
    let mut stack = vec![root().join("src")];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if fs::read_to_string(&path).unwrap().contains("allow(unsafe_code)") {
                allowed.push(path.strip_prefix(root()).unwrap().to_path_buf());
            }
        }
    }
    allowed.sort();
    assert_eq!(
        allowed,
        [
            std::path::PathBuf::from("src/arenas.rs"),
            std::path::PathBuf::from("src/detach.rs"),
            std::path::PathBuf::from("src/exec/accounts.rs")
        ]
    );
}
