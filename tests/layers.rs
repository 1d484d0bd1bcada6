//! The layering of `src/` (see the crate docs and the README's architecture
//! section), checked over the `use` lines and `crate::` paths of every
//! production file: no import circle between files, and no layer importing
//! one above it.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Each layer and the layers it must not import.
const FORBIDDEN: &[(&str, &[&str])] = &[
    ("ui", &["tui", "exec"]),
    ("exec", &["tui", "ui"]),
    ("view", &["tui", "ui", "exec", "fsops"]),
    ("output", &["tui", "ui", "exec", "view"]),
    ("audit", &["tui", "ui", "exec", "view"]),
    ("watch", &["tui", "ui", "exec", "view"]),
    ("import", &["tui", "ui", "exec", "view", "output", "audit", "watch", "fsops"]),
    ("fsops", &["tui", "ui", "exec", "view", "output", "audit", "watch"]),
    ("model", &["tui", "ui", "exec", "view", "output", "audit", "watch", "fsops"]),
    ("scan", &["tui", "ui", "exec", "view", "output", "audit", "watch", "fsops", "model"]),
    ("fmt", &["tui", "ui", "exec", "view", "output", "audit", "watch", "fsops", "model"]),
    ("sanitize", &["tui", "ui", "exec", "view", "output", "audit", "watch", "fsops", "model"]),
    (
        "sanitize_decode",
        &["tui", "ui", "exec", "view", "output", "audit", "watch", "fsops", "model"],
    ),
    ("keymap", &["tui", "ui", "exec", "view", "output", "audit", "watch", "fsops", "model"]),
    ("config", &["tui", "ui", "exec", "view", "output", "audit", "watch", "fsops", "model"]),
    ("error", &["tui", "ui", "exec", "view", "output", "audit", "watch", "fsops", "model"]),
    ("logging", &["tui", "ui", "exec", "view", "output", "audit", "watch", "fsops", "model"]),
];

/// Known exceptions to the rules: none. An entry here needs a reason in the
/// note that adds it.
const KNOWN: &[(&str, &str)] = &[];

fn known(from: &Path, to: &Path) -> bool {
    KNOWN.iter().any(|(f, t)| from == Path::new(f) && to == Path::new(t))
}

/// A production file: its module path and its text without test modules
/// and comments.
struct Source {
    module: Vec<String>,
    code: String,
}

fn sources() -> BTreeMap<PathBuf, Source> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = BTreeMap::new();
    let mut dirs = vec![src.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in fs::read_dir(&dir).expect("read src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n != "tests") {
                    dirs.push(path);
                }
                continue;
            }
            let rel = path.strip_prefix(&src).expect("under src").to_path_buf();
            let name = rel.file_stem().and_then(|s| s.to_str()).unwrap_or("");
            if path.extension().is_none_or(|e| e != "rs")
                || name == "tests"
                || name.ends_with("_tests")
            {
                continue;
            }
            let mut module: Vec<String> = rel
                .parent()
                .into_iter()
                .flat_map(|p| p.components())
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if !matches!(name, "mod" | "lib" | "main") {
                module.push(name.to_string());
            }
            if name == "main" {
                continue;
            }
            let text = fs::read_to_string(&path).expect("read file");
            out.insert(rel, Source { module, code: production_code(&text) });
        }
    }
    out
}

/// The text before the first `#[cfg(test)]`, without comments.
fn production_code(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or("");
    text.lines()
        .map(|line| match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every path the code names from `crate`, `super` or `self`, made
/// absolute (from the crate root), `use` groups expanded.
fn named_paths(source: &Source) -> Vec<Vec<String>> {
    let code = &source.code;
    let bytes = code.as_bytes();
    let mut out = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        if !code.is_char_boundary(at) {
            at += 1;
            continue;
        }
        let ident_start = at == 0
            || !(bytes[at - 1].is_ascii_alphanumeric()
                || bytes[at - 1] == b'_'
                || bytes[at - 1] == b':');
        let rest = &code[at..];
        let head = ["crate::", "super::", "self::"].into_iter().find(|h| rest.starts_with(h));
        match head {
            Some(head) if ident_start => {
                let (tree, used) = path_tree(rest);
                for path in expand(&tree) {
                    if let Some(abs) = absolute(&source.module, &path, head) {
                        out.push(abs);
                    }
                }
                at += used.max(head.len());
            }
            _ => at += 1,
        }
    }
    out
}

/// The path (with `{…}` groups) starting at `text`, and its length.
fn path_tree(text: &str) -> (String, usize) {
    let mut depth = 0usize;
    for (i, ch) in text.char_indices() {
        match ch {
            '{' => depth += 1,
            '}' if depth == 0 => return (text[..i].to_string(), i),
            '}' => depth -= 1,
            ch if depth == 0 && !(ch.is_alphanumeric() || ch == '_' || ch == ':') => {
                return (text[..i].to_string(), i);
            }
            _ => {}
        }
    }
    (text.to_string(), text.len())
}

/// `a::{b, c::{d, e}}` → `a::b`, `a::c::d`, `a::c::e`.
fn expand(tree: &str) -> Vec<String> {
    let tree: String = tree.chars().filter(|c| !c.is_whitespace()).collect();
    let Some(open) = tree.find('{') else { return vec![tree] };
    let prefix = &tree[..open];
    let inner = &tree[open + 1..tree.len().saturating_sub(1)];
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, ch) in inner.char_indices() {
        match ch {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .flat_map(|p| expand(p).into_iter().map(move |e| format!("{prefix}{e}")))
        .collect()
}

fn absolute(module: &[String], path: &str, _head: &str) -> Option<Vec<String>> {
    let mut segments = path.split("::").filter(|s| !s.is_empty()).map(str::to_string);
    let mut base: Vec<String> = match segments.next()?.as_str() {
        "crate" => Vec::new(),
        "self" => module.to_vec(),
        "super" => module[..module.len().checked_sub(1)?].to_vec(),
        _ => return None,
    };
    for segment in segments {
        match segment.as_str() {
            "super" => {
                base.pop();
            }
            "self" => {}
            _ => base.push(segment),
        }
    }
    Some(base)
}

/// The file a path lands in: the longest module prefix, through the
/// re-exports of a `mod.rs` (`pub use x::Y`) to the file that holds `Y`.
fn target(
    path: &[String],
    files: &BTreeMap<Vec<String>, PathBuf>,
    reexports: &BTreeMap<Vec<String>, Vec<String>>,
) -> Option<PathBuf> {
    let mut path = path.to_vec();
    for _ in 0..8 {
        let len = (0..=path.len()).rev().find(|&n| files.contains_key(&path[..n]))?;
        if len < path.len() {
            let mut item = path[..len].to_vec();
            item.push(path[len].clone());
            if let Some(to) = reexports.get(&item) {
                let mut next = to.clone();
                next.extend(path[len + 1..].iter().cloned());
                path = next;
                continue;
            }
        }
        return files.get(&path[..len]).cloned();
    }
    None
}

struct Graph {
    edges: BTreeMap<PathBuf, BTreeSet<PathBuf>>,
    modules: BTreeMap<PathBuf, Vec<String>>,
}

fn graph() -> Graph {
    let sources = sources();
    let files: BTreeMap<Vec<String>, PathBuf> =
        sources.iter().map(|(path, s)| (s.module.clone(), path.clone())).collect();
    // `pub use a::b::Item;` in a module file re-exports Item from a::b.
    let mut reexports = BTreeMap::new();
    for source in sources.values() {
        for statement in source.code.split(';') {
            let statement = statement.trim();
            let Some(tree) = statement.strip_prefix("pub use ") else { continue };
            let tree = if tree.starts_with("crate::")
                || tree.starts_with("super::")
                || tree.starts_with("self::")
            {
                tree.to_string()
            } else {
                format!("self::{tree}")
            };
            for path in expand(&tree) {
                let head = if path.starts_with("crate::") { "crate::" } else { "self::" };
                let Some(abs) = absolute(&source.module, &path, head) else { continue };
                let name = abs.last().cloned().unwrap_or_default();
                let mut item = source.module.clone();
                item.push(name);
                if item != abs {
                    reexports.insert(item, abs);
                }
            }
        }
    }
    let mut edges: BTreeMap<PathBuf, BTreeSet<PathBuf>> = BTreeMap::new();
    for (file, source) in &sources {
        let entry = edges.entry(file.clone()).or_default();
        for path in named_paths(source) {
            if let Some(to) = target(&path, &files, &reexports)
                && &to != file
                && !known(file, &to)
                && !is_ancestor_module(&sources[&to].module, &source.module)
            {
                entry.insert(to);
            }
        }
    }
    let modules = sources.into_iter().map(|(p, s)| (p, s.module)).collect();
    Graph { edges, modules }
}

/// A module file naming its own submodules' paths (`pub use x::Y`, `mod x`)
/// is its table of contents, not an import; a file naming its ancestors'
/// re-exports is resolved through them. Only the other direction counts.
fn is_ancestor_module(target: &[String], from: &[String]) -> bool {
    target.len() < from.len() && from.starts_with(target)
}

#[test]
fn no_file_imports_a_layer_above_its_own() {
    let graph = graph();
    let mut wrong = Vec::new();
    for (file, targets) in &graph.edges {
        let Some(layer) = graph.modules[file].first() else { continue };
        let Some((_, banned)) = FORBIDDEN.iter().find(|(l, _)| l == layer) else { continue };
        for to in targets {
            if let Some(to_layer) = graph.modules[to].first()
                && banned.contains(&to_layer.as_str())
            {
                wrong.push(format!("{} imports {}", file.display(), to.display()));
            }
        }
    }
    assert!(wrong.is_empty(), "imports against the layering:\n{}", wrong.join("\n"));
}

#[test]
fn no_import_circle_between_files() {
    let graph = graph();
    let mut circles = Vec::new();
    // Tarjan's strongly connected components.
    let mut index = BTreeMap::new();
    let mut low = BTreeMap::new();
    let mut stack = Vec::new();
    let mut on_stack = BTreeSet::new();
    let mut next = 0usize;
    fn visit<'a>(
        node: &'a PathBuf,
        graph: &'a Graph,
        state: (&mut BTreeMap<&'a PathBuf, usize>, &mut BTreeMap<&'a PathBuf, usize>),
        stack: &mut Vec<&'a PathBuf>,
        on_stack: &mut BTreeSet<&'a PathBuf>,
        next: &mut usize,
        circles: &mut Vec<Vec<&'a PathBuf>>,
    ) {
        let (index, low) = state;
        index.insert(node, *next);
        low.insert(node, *next);
        *next += 1;
        stack.push(node);
        on_stack.insert(node);
        for to in &graph.edges[node] {
            if !index.contains_key(to) {
                visit(to, graph, (index, low), stack, on_stack, next, circles);
                let l = low[to].min(low[node]);
                low.insert(node, l);
            } else if on_stack.contains(to) {
                let l = index[to].min(low[node]);
                low.insert(node, l);
            }
        }
        if low[node] == index[node] {
            let mut component = Vec::new();
            while let Some(top) = stack.pop() {
                on_stack.remove(top);
                component.push(top);
                if top == node {
                    break;
                }
            }
            if component.len() > 1 {
                circles.push(component);
            }
        }
    }
    for node in graph.edges.keys() {
        if !index.contains_key(node) {
            visit(
                node,
                &graph,
                (&mut index, &mut low),
                &mut stack,
                &mut on_stack,
                &mut next,
                &mut circles,
            );
        }
    }
    let text: Vec<String> = circles
        .iter()
        .map(|c| c.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(" ↔ "))
        .collect();
    assert!(text.is_empty(), "import circles between files:\n{}", text.join("\n"));
}

#[test]
fn the_checker_sees_use_groups_and_relative_paths() {
    assert_eq!(
        expand("crate::a::{b, c::{d, e}}"),
        ["crate::a::b", "crate::a::c::d", "crate::a::c::e"]
    );
    let module = vec!["view".to_string(), "update".to_string()];
    assert_eq!(
        absolute(&module, "super::nav::reveal", "super::"),
        Some(vec!["view".into(), "nav".into(), "reveal".into()])
    );
    let graph = graph();
    let update = PathBuf::from("view/update.rs");
    assert!(graph.edges.contains_key(&update), "the checker reads src/view/update.rs");
    let nav = PathBuf::from("view/nav.rs");
    assert!(graph.edges[&update].contains(&nav), "update.rs imports nav.rs");
    let ui = graph.edges.iter().find(|(f, _)| f.starts_with("ui")).expect("ui files");
    assert!(!ui.1.is_empty(), "the widgets' imports are seen");
    assert!(KNOWN.is_empty(), "no exception to the layering is left");
}
