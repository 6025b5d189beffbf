// Loads the islands' wasm at once (its files are preloaded by the page) and
// hydrates every <leptos-island> in document order, nested ones after their
// parent, as Leptos's own island script does, but without waiting for an
// idle moment or a microtask per element. Marks <html data-hydrated> when
// the islands' first effects have run.
((js, wasm) => {
  const children = [];
  const walk = (node, mod) => {
    for (const el of node.children) {
      if (el.tagName === "LEPTOS-ISLAND") {
        const parent = children[children.length - 1];
        if (parent) parent();
        const hydrate = mod[el.dataset.component];
        if (hydrate) hydrate(el);
        else console.warn(`no island ${el.dataset.component}`);
        walk(el, mod);
      } else if (el.tagName === "LEPTOS-CHILDREN") {
        children.push(el.$$on_hydrate);
        walk(el, mod);
        children.pop();
      } else {
        walk(el, mod);
      }
    }
  };
  import(js).then((mod) =>
    mod.default({ module_or_path: wasm }).then(() => {
      mod.hydrate();
      walk(document.body, mod);
      setTimeout(() => document.documentElement.setAttribute("data-hydrated", ""), 0);
    }),
  );
})
