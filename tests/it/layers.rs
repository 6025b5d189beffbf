//! The crate's shape, checked: top-level modules depend on each other in
//! one direction only, so do its source files (an import that closes a
//! cycle fails, naming it), and no source file grows past ~600 lines.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Longest a source file may be (Rust under `src/` and `tests/`).
const MOST_LINES: usize = 620;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(path: &Path) -> Vec<PathBuf> {
    if path.is_file() {
        return if path.extension().is_some_and(|e| e == "rs") { vec![path.to_path_buf()] } else { Vec::new() };
    }
    let Ok(entries) = std::fs::read_dir(path) else { return Vec::new() };
    let mut files: Vec<PathBuf> = entries.flat_map(|entry| rust_files(&entry.unwrap().path())).collect();
    files.sort();
    files
}

/// Top-level module → the top-level modules its files name as `crate::…`.
fn module_dependencies() -> BTreeMap<String, BTreeSet<String>> {
    let src = src();
    let modules: BTreeSet<String> = std::fs::read_dir(&src)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_dir() || path.extension().is_some_and(|e| e == "rs"))
        .map(|path| path.file_stem().unwrap().to_string_lossy().into_owned())
        .filter(|name| name != "lib" && name != "main")
        .collect();
    let mut deps = BTreeMap::new();
    for module in &modules {
        let mut named = BTreeSet::new();
        for file in rust_files(&src.join(module)).into_iter().chain(rust_files(&src.join(format!("{module}.rs")))) {
            let text = std::fs::read_to_string(&file).unwrap();
            for (at, _) in text.match_indices("crate::") {
                let rest = &text[at + "crate::".len()..];
                let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                if modules.contains(&name) && &name != module {
                    named.insert(name);
                }
            }
        }
        deps.insert(module.clone(), named);
    }
    deps
}

/// A path of dependencies from `from` to `to`, if there is one.
fn path(deps: &BTreeMap<String, BTreeSet<String>>, from: &str, to: &str) -> Option<Vec<String>> {
    let mut stack = vec![vec![from.to_string()]];
    let mut seen = BTreeSet::new();
    while let Some(trail) = stack.pop() {
        let last = trail.last().unwrap();
        for next in deps.get(last).into_iter().flatten() {
            let mut longer = trail.clone();
            longer.push(next.clone());
            if next == to {
                return Some(longer);
            }
            if seen.insert(next.clone()) {
                stack.push(longer);
            }
        }
    }
    None
}

fn cycles(deps: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    deps.iter()
        .flat_map(|(from, named)| named.iter().map(move |to| (from, to)))
        .filter_map(|(from, to)| path(deps, to, from).map(|back| format!("{from} -> {}", back.join(" -> "))))
        .collect()
}

#[test]
fn modules_depend_in_one_direction() {
    let deps = module_dependencies();
    assert!(deps["services"].contains("store") && deps["api"].contains("services"), "the scan sees imports: {deps:?}");
    let cycles = cycles(&deps);
    assert!(cycles.is_empty(), "module cycles: {cycles:#?}");
}

/// One source file as a module of the crate: its path (`store::keys`), its
/// text without `pub use` lines (how a folder is laid out, not a use), the
/// top-level names it defines, and the paths it imports and re-exports.
struct Module {
    file: String,
    path: Vec<String>,
    text: String,
    defines: BTreeSet<String>,
    imports: Vec<Vec<String>>,
    reexports: Vec<Vec<String>>,
}

/// Every file of `src/` as a module. The folder included with `#[path]`
/// (`store/sql_impl/`) is read as a module of its first backend.
fn modules() -> Vec<Module> {
    let src = src();
    let mut out = Vec::new();
    for file in rust_files(&src) {
        let relative = file.strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/");
        if relative == "main.rs" {
            continue;
        }
        let mut path: Vec<String> = relative.trim_end_matches(".rs").split('/').map(str::to_string).collect();
        if path.last().is_some_and(|p| p == "mod" || p == "lib") {
            path.pop();
        }
        if path.starts_with(&["store".to_string(), "sql_impl".to_string()]) {
            path.insert(1, "postgres".to_string());
        }
        let full = std::fs::read_to_string(&file).unwrap();
        let full = match full.find("#[cfg(test)]\nmod tests") {
            Some(at) => full[..at].to_string(),
            None => full,
        };
        let is_reexport = |line: &str| {
            let line = line.trim_start();
            line.starts_with("pub use ") || line.starts_with("pub(crate) use ") || line.starts_with("pub(super) use ")
        };
        let statements = |keep: &dyn Fn(&str) -> bool| -> Vec<Vec<String>> {
            use_statements(&full)
                .into_iter()
                .filter(|u| keep(u))
                .flat_map(|u| expand(u.split_once("use ").map_or("", |(_, p)| p).trim_end_matches(';')))
                .filter_map(|p| absolute(&path, &p))
                .collect()
        };
        let reexports = statements(&is_reexport);
        let imports = statements(&|u: &str| !is_reexport(u));
        // Comments name paths too (`audit::record` in a doc): not uses.
        let text: Vec<&str> = full.lines().filter(|l| !is_reexport(l) && !l.trim_start().starts_with("//")).collect();
        out.push(Module {
            file: relative,
            defines: definitions(&full),
            text: text.join("\n"),
            path,
            imports,
            reexports,
        });
    }
    out
}

/// The `use` statements of a file, each whole (across lines).
fn use_statements(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        let trimmed = line.trim();
        match current.as_mut() {
            Some(statement) => statement.push_str(trimmed),
            None if trimmed.starts_with("use ") || trimmed.contains(" use ") && trimmed.starts_with("pub") => {
                current = Some(trimmed.to_string());
            }
            None => continue,
        }
        if trimmed.ends_with(';') {
            out.push(current.take().unwrap());
        }
    }
    out
}

/// The names a file defines at its top level: what `use` can name.
fn definitions(text: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for line in text.lines().filter(|l| !l.starts_with(' ') && !l.starts_with('}')) {
        let mut words = line.split(|c: char| !(c.is_alphanumeric() || c == '_')).filter(|w| !w.is_empty());
        while let Some(word) = words.next() {
            if matches!(word, "struct" | "enum" | "fn" | "trait" | "type" | "const" | "static" | "union") {
                if let Some(name) = words.next() {
                    names.insert(name.to_string());
                }
                break;
            }
        }
    }
    names
}

/// Every path a file names in its code or imports: `crate::…`, `super::…`,
/// `self::…`, a child module's (`postgres::PgStore`) or an imported
/// module's (`queries::keys::INSERT` after `use crate::store::queries`),
/// with `use` groups (`a::{b, c::D}`) expanded, as segments from the crate
/// root.
fn named_paths(module: &Module) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    let text = &module.text;
    for (at, _) in text.match_indices("::") {
        let head_start = text[..at].rfind(|c: char| !(c.is_alphanumeric() || c == '_')).map_or(0, |i| i + 1);
        if head_start == at || text[..head_start].ends_with("::") {
            continue;
        }
        let head = &text[head_start..at];
        let rest = &text[head_start..];
        let end = group_end(rest);
        let imported = module.imports.iter().find(|p| p.last().is_some_and(|last| last == head));
        for expanded in expand(&rest[..end]) {
            let found = match (head, imported) {
                ("crate" | "super" | "self", _) | (_, None) => absolute(&module.path, &expanded),
                (_, Some(alias)) => {
                    let mut path = alias.clone();
                    path.extend(expanded.split("::").skip(1).filter(|s| !s.is_empty()).map(str::to_string));
                    Some(path)
                }
            };
            paths.extend(found);
        }
    }
    paths
}

/// Where a path starting here ends: at the first character that cannot be
/// part of it, braces counted.
fn group_end(text: &str) -> usize {
    let mut depth = 0;
    for (i, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => return i,
            '}' => depth -= 1,
            c if depth == 0 && !(c.is_alphanumeric() || c == '_' || c == ':' || c == '*') => return i,
            _ => {}
        }
    }
    text.len()
}

/// `a::{b, c::{d, e}}` → `a::b`, `a::c::d`, `a::c::e`.
fn expand(path: &str) -> Vec<String> {
    let path = path.trim();
    let Some(open) = path.find('{') else { return vec![path.trim_end_matches(':').to_string()] };
    let prefix = &path[..open];
    let inner = &path[open + 1..path.rfind('}').unwrap_or(path.len())];
    let mut parts = Vec::new();
    let (mut depth, mut from) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[from..i]);
                from = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[from..]);
    parts
        .into_iter()
        .map(|p| p.split(" as ").next().unwrap().trim())
        .filter(|p| !p.is_empty())
        .flat_map(|p| {
            if p == "self" {
                vec![prefix.trim_end_matches(':').to_string()]
            } else {
                expand(&format!("{prefix}{p}"))
            }
        })
        .collect()
}

/// A path's segments from the crate root, `super::` and `self::` resolved;
/// any other path is read as relative (`use keys::*` in `store`), and one
/// from a dependency (`std::…`) then names no module of ours.
fn absolute(here: &[String], path: &str) -> Option<Vec<String>> {
    let mut segments: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
    let mut base: Vec<String> = match *segments.first()? {
        "crate" => {
            segments.remove(0);
            Vec::new()
        }
        _ => here.to_vec(),
    };
    while let Some(&first) = segments.first() {
        match first {
            "super" => {
                base.pop()?;
                segments.remove(0);
            }
            "self" => {
                segments.remove(0);
            }
            _ => break,
        }
    }
    base.extend(segments.into_iter().map(str::to_string));
    Some(base)
}

/// The deepest module a path names, and what follows it.
fn module_of<'a>(by_path: &BTreeMap<Vec<String>, usize>, path: &'a [String]) -> Option<(usize, &'a [String])> {
    (1..=path.len()).rev().find_map(|n| by_path.get(&path[..n]).map(|&i| (i, &path[n..])))
}

/// The file that defines `item` as seen from `module`: itself, or where it
/// re-exports or imports it from.
fn definer(
    modules: &[Module],
    by_path: &BTreeMap<Vec<String>, usize>,
    module: usize,
    item: &str,
    depth: u8,
) -> Option<usize> {
    if modules[module].defines.contains(item) {
        return Some(module);
    }
    if depth == 0 {
        return None;
    }
    let sources = modules[module].reexports.iter().chain(&modules[module].imports);
    for source in sources {
        let (named, glob) = match source.last().map(String::as_str) {
            Some("*") => (&source[..source.len() - 1], true),
            Some(last) if last == item => (&source[..], false),
            _ => continue,
        };
        let Some((at, rest)) = module_of(by_path, named) else { continue };
        let found = match (glob, rest) {
            (true, []) => definer(modules, by_path, at, item, depth - 1),
            (false, [name]) => definer(modules, by_path, at, name, depth - 1),
            (false, []) => Some(at),
            _ => None,
        };
        if found.is_some() {
            return found;
        }
    }
    None
}

/// The files a named path lands in: the module it names, or the file that
/// defines the item it names; for a glob, the files whose names this file
/// uses.
fn resolve(modules: &[Module], by_path: &BTreeMap<Vec<String>, usize>, path: &[String], user: &Module) -> Vec<usize> {
    let Some((module, rest)) = module_of(by_path, path) else { return Vec::new() };
    match rest {
        [] => vec![module],
        [glob] if glob == "*" => {
            let words: BTreeSet<&str> =
                user.text.split(|c: char| !(c.is_alphanumeric() || c == '_')).filter(|w| !w.is_empty()).collect();
            words.into_iter().filter_map(|word| definer(modules, by_path, module, word, 3)).collect()
        }
        [item, ..] => definer(modules, by_path, module, item, 3).into_iter().collect(),
    }
}

/// File → the files it uses.
fn file_dependencies() -> BTreeMap<String, BTreeSet<String>> {
    let modules = modules();
    let by_path: BTreeMap<Vec<String>, usize> = modules.iter().enumerate().map(|(i, m)| (m.path.clone(), i)).collect();
    let mut deps = BTreeMap::new();
    for (i, module) in modules.iter().enumerate() {
        let mut uses = BTreeSet::new();
        for path in named_paths(module) {
            for j in resolve(&modules, &by_path, &path, module) {
                if j != i {
                    uses.insert(modules[j].file.clone());
                }
            }
        }
        deps.insert(module.file.clone(), uses);
    }
    deps
}

#[test]
fn source_files_depend_in_one_direction() {
    let deps = file_dependencies();
    assert!(
        deps["services/keys.rs"].contains("store/keys.rs"),
        "the scan sees imports: {:?}",
        deps["services/keys.rs"]
    );
    assert!(deps["auth/verify.rs"].contains("auth/key_cache.rs"), "{:?}", deps["auth/verify.rs"]);
    let cycles = cycles(&deps);
    assert!(cycles.is_empty(), "file cycles ({}): {cycles:#?}", cycles.len());
}

#[test]
fn no_source_file_is_too_long() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let long: Vec<String> = rust_files(&root.join("src"))
        .into_iter()
        .chain(rust_files(&root.join("tests")))
        .filter_map(|file| {
            let lines = std::fs::read_to_string(&file).unwrap().lines().count();
            (lines > MOST_LINES).then(|| format!("{} ({lines} lines)", file.strip_prefix(root).unwrap().display()))
        })
        .collect();
    assert!(long.is_empty(), "split these by what they hold: {long:#?}");
}
