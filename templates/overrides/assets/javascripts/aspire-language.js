// The language switch keeps the part of the address after "#": the checker's answers (#a=…,
// web/checker/share.mjs), so the other language's checker opens with them filled in, or a rule's
// anchor, an id that is the same in every language. The language links
// (partials/alternate.html: rel="alternate" hreflang) already lead to the same page; this brings
// their fragment up to date just before a link is used (pointed at, focused, clicked, or opened
// in a menu to copy), because the checker rewrites the fragment with history.replaceState as the
// reader types, which fires no event to follow.
for (const type of ["pointerover", "focusin", "click", "contextmenu"]) {
  document.addEventListener(type, (event) => {
    const link = event.target instanceof Element && event.target.closest("a[rel~='alternate'][hreflang]");
    if (link instanceof HTMLAnchorElement) link.hash = location.hash;
  }, true);
}
