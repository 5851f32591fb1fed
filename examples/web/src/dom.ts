/** A few lines of DOM building, so the views read like the markup they make. No framework. */

type Attributes = Record<string, string | number | boolean | undefined>;
type Child = Node | string | number | null | undefined | false;

function applyAttributes(element: Element, attributes: Attributes): void {
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
}

function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

/**
 * Creates an HTML element with attributes and children (strings become text nodes, never markup).
 *
 * @example
 * ```ts
 * h('button', { id: 'start', type: 'button' }, '시작');
 * ```
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  applyAttributes(element, attributes);
  append(element, children);
  return element;
}

/**
 * Creates an SVG element with attributes and children.
 *
 * @example
 * ```ts
 * svg('rect', { x: 0, y: 0, width: 10, height: 20 });
 * ```
 */
export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): SVGElementTagNameMap[K] {
  const element = document.createElementNS('http://www.w3.org/2000/svg', tag);
  applyAttributes(element, attributes);
  append(element, children);
  return element;
}

/**
 * The element with this id, or an error naming it (the page's markup and its scripts disagree).
 *
 * @throws {Error} when there is no such element.
 * @example
 * ```ts
 * const body = byId('game-body');
 * ```
 */
export function byId(id: string): HTMLElement {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from index.html`);
  return element;
}

/**
 * Replaces an element's children.
 *
 * @example
 * ```ts
 * replaceChildren(list, ...items);
 * ```
 */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}
