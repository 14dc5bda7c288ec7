// Material for MkDocs 9.8's inline bootstrap (partials/javascripts/base.html), as a file so the
// site needs no inline script under its Content-Security-Policy. Loaded as a classic script,
// synchronously, before Material's bundle, exactly where the inline script stood.
__md_scope = new URL(document.currentScript.dataset.scope, location);
__md_hash = (value) => [...value].reduce((hash, char) => (hash << 5) - hash + char.charCodeAt(0), 0);
__md_get = (key, storage = localStorage, scope = __md_scope) => JSON.parse(storage.getItem(scope.pathname + "." + key));
__md_set = (key, value, storage = localStorage, scope = __md_scope) => {
  try {
    storage.setItem(scope.pathname + "." + key, JSON.stringify(value));
  } catch (error) {
    // Storage full or disabled: Material works without it.
  }
};
