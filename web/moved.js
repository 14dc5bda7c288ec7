// An old address of a page that moved (sitegen/moved.py writes the page that loads this): go to
// the page's new address, keeping the fragment, which the page's meta refresh alone would drop: a
// rule's #anchor, or the checker's #a= answers. Loaded as a classic script before that refresh,
// so it runs first; without JavaScript the refresh and the page's link still lead there.
const to = document.currentScript?.dataset.to;
if (to) location.replace(new URL(to, location.href).href + location.hash);
