//! The crate's top-level modules depend on each other in one direction
//! only: a `crate::<module>` path that closes a cycle fails here, naming it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Top-level module → the top-level modules its files name as `crate::…`.
fn dependencies() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
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

fn rust_files(path: &Path) -> Vec<std::path::PathBuf> {
    if path.is_file() {
        return vec![path.to_path_buf()];
    }
    let Ok(entries) = std::fs::read_dir(path) else { return Vec::new() };
    entries.flat_map(|entry| rust_files(&entry.unwrap().path())).collect()
}

/// A path of dependencies from `from` to `to`, if there is one.
fn path(deps: &BTreeMap<String, BTreeSet<String>>, from: &str, to: &str) -> Option<Vec<String>> {
    let mut stack = vec![vec![from.to_string()]];
    let mut seen = BTreeSet::new();
    while let Some(trail) = stack.pop() {
        let last = trail.last().unwrap();
        for next in &deps[last] {
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

#[test]
fn modules_depend_in_one_direction() {
    let deps = dependencies();
    assert!(deps["services"].contains("store") && deps["api"].contains("services"), "the scan sees imports: {deps:?}");
    let cycles: Vec<String> = deps
        .iter()
        .flat_map(|(module, named)| named.iter().map(move |dep| (module, dep)))
        .filter_map(|(module, dep)| path(&deps, dep, module).map(|back| format!("{module} -> {}", back.join(" -> "))))
        .collect();
    assert!(cycles.is_empty(), "module cycles: {cycles:#?}");
}
