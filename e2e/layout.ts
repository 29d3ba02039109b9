/**
 * Layout measurements in the page: what the user sees, as numbers (bounding boxes, overflow),
 * so a test can say "the header is not cut" or "the focus ring is not clipped" and fail when it is.
 */
import type { Locator, Page } from '@playwright/test';

export interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** True when the element's content fits its box (no text cut, no hidden overflow), per axis. */
export async function overflow(locator: Locator): Promise<{ x: number; y: number }> {
  return locator.evaluate((el) => ({ x: el.scrollWidth - el.clientWidth, y: el.scrollHeight - el.clientHeight }));
}

/** Left and right edges of each cell of a row, in order. */
export async function cellEdges(row: Locator, cellRole: 'columnheader' | 'gridcell' | 'cell'): Promise<{ left: number; right: number; hidden: boolean }[]> {
  return row.evaluate((el, role) => {
    return [...el.querySelectorAll(`:scope > [role="${role}"]`)].map((c) => {
      const r = c.getBoundingClientRect();
      return { left: Math.round(r.left * 10) / 10, right: Math.round(r.right * 10) / 10, hidden: r.width === 0 };
    });
  }, cellRole);
}

/**
 * For the focused element: its focus ring (outline) as drawn, and the parts of it that an
 * ancestor with overflow other than `visible` cuts off. Empty `clippedBy`: the whole ring shows.
 */
export async function focusRing(page: Page): Promise<{ tag: string; text: string; focusVisible: boolean; outline: number; ring: Box; clippedBy: string[] }> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement;
    const style = getComputedStyle(el);
    const width = style.outlineStyle === 'none' ? 0 : parseFloat(style.outlineWidth);
    const reach = width + parseFloat(style.outlineOffset || '0');
    const r = el.getBoundingClientRect();
    const ring = { left: r.left - reach, right: r.right + reach, top: r.top - reach, bottom: r.bottom + reach };
    const clippedBy: string[] = [];
    for (let p = el.parentElement; p; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (s.overflowX === 'visible' && s.overflowY === 'visible') continue;
      const b = p.getBoundingClientRect();
      // The ring is drawn outside the border box; an ancestor clips at its padding box.
      const inner = { left: b.left + p.clientLeft, top: b.top + p.clientTop, right: b.left + p.clientLeft + p.clientWidth, bottom: b.top + p.clientTop + p.clientHeight };
      const cut = ring.left < inner.left - 0.5 || ring.right > inner.right + 0.5 || ring.top < inner.top - 0.5 || ring.bottom > inner.bottom + 0.5;
      if (cut) clippedBy.push(`${p.tagName.toLowerCase()}.${[...p.classList].join('.')}`);
    }
    return { tag: el.tagName.toLowerCase(), text: (el.textContent ?? '').trim().slice(0, 60), focusVisible: el.matches(':focus-visible'), outline: width, ring, clippedBy };
  });
}

/** Elements inside `root` that scroll (content taller or wider than their box, overflow auto/scroll/hidden). */
export async function innerScrollers(root: Locator): Promise<string[]> {
  return root.evaluate((el) => {
    const out: string[] = [];
    for (const e of [el, ...el.querySelectorAll('*')] as HTMLElement[]) {
      const s = getComputedStyle(e);
      const scrollsY = s.overflowY !== 'visible' && e.scrollHeight > e.clientHeight + 1;
      const scrollsX = s.overflowX !== 'visible' && e.scrollWidth > e.clientWidth + 1;
      if (scrollsY || scrollsX) out.push(`${e.tagName.toLowerCase()}.${[...e.classList].join('.')} ${scrollsY ? 'y' : 'x'}`);
    }
    return out;
  });
}

/** Number of text lines an element's own text takes (1 when it does not wrap). */
export async function lineCount(locator: Locator): Promise<number> {
  return locator.evaluate((el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
    return tops.size;
  });
}

/**
 * Where the element is in the viewport and whether something else is drawn over its middle
 * (a sticky bar under a card, a toast): `covered` names what is hit instead.
 */
export async function visibleInViewport(locator: Locator): Promise<{ top: number; bottom: number; viewport: number; covered: string | null }> {
  return locator.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    const covered = hit && (hit === el || el.contains(hit)) ? null : hit ? `${hit.tagName.toLowerCase()}.${hit.className}` : 'nothing (outside the viewport)';
    return { top: r.top, bottom: r.bottom, viewport: window.innerHeight, covered };
  });
}

/** Scrolls every scrollable ancestor of the element to its top (`to: 'top'`) or its end. */
export async function scrollAncestors(locator: Locator, to: 'top' | 'end'): Promise<void> {
  await locator.evaluate((el, where) => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      if (p.scrollHeight > p.clientHeight) p.scrollTop = where === 'top' ? 0 : p.scrollHeight;
    }
    document.scrollingElement?.scrollTo(0, where === 'top' ? 0 : document.scrollingElement.scrollHeight);
  }, to);
}
