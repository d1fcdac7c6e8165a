// The page's DOM helpers (only page/ modules touch the DOM).

/** The element with `id`. */
export const $ = (id) => document.getElementById(id);

/** Sets an element's text only when it changes: an unchanged write still costs a layout. */
export function setText(id, text) {
  const el = $(id);
  if (el.textContent !== text) el.textContent = text;
}
