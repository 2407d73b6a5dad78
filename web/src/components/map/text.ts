/**
 * Leaflet tooltips, popups and div icons take HTML. Records' names and titles are typed by users
 * (street staff, departments), so they go in as text only: escaped into HTML strings, or as a text node.
 */
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A tooltip or popup content that is plain text. */
export function textContent(text: string): HTMLElement {
  const el = document.createElement("span");
  el.textContent = text;
  return el;
}
