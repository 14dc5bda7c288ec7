// Material for MkDocs 9.8's inline bootstrap (partials/javascripts/base.html), as a file so the
// site needs no inline script under its Content-Security-Policy. Loaded as a classic script,
// synchronously, before Material's bundle, exactly where the inline script stood.
//
// One change: Material stores the colour scheme each time it applies one, the system's included,
// on every page. Here it is stored only once the reader picks a scheme with the header's toggle,
// so a visitor who asks for nothing has nothing stored (tests/browser/test_security.py).
__md_scope = new URL(document.currentScript.dataset.scope, location);
__md_hash = (value) => [...value].reduce((hash, char) => (hash << 5) - hash + char.charCodeAt(0), 0);
__md_get = (key, storage = localStorage, scope = __md_scope) => JSON.parse(storage.getItem(scope.pathname + "." + key));
__md_set = (key, value, storage = localStorage, scope = __md_scope) => {
  if (key === "__palette" && !__md_palette_picked) return;
  try {
    storage.setItem(scope.pathname + "." + key, JSON.stringify(value));
  } catch (error) {
    // Storage full or disabled: Material works without it.
  }
};
__md_palette_picked = false;
for (const type of ["click", "keydown", "change"]) {
  // Capture: before Material's own handlers on the toggle, which store the scheme.
  document.addEventListener(type, (event) => {
    const picked = event.isTrusted && (type !== "keydown" || event.key === "Enter");
    if (picked && event.target instanceof Element && event.target.closest("[data-md-component=palette]")) {
      __md_palette_picked = true;
    }
  }, true);
}
