/**
 * What both report pages share: each is one self-contained HTML file (no network needed to view it), so
 * scripts, styles and data are inlined, each made safe to sit inside its element.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

const requireFrom = createRequire(import.meta.url);
/** A dependency's dist file (e.g. `uplot/dist/uPlot.iife.min.js`) as text, to inline in a page. */
export const packageAsset = (spec: string) => readFile(requireFrom.resolve(spec), 'utf8');

/** One of the pages' own browser files (src/reports/assets/<name>) as text, to inline in a page. */
export const pageAsset = (name: string) => readFile(new URL(`./assets/${name}`, import.meta.url), 'utf8');

/** Text that may sit inside a <script> or <style> element without closing it. */
export const inlineSafe = (s: string) => s.replace(/<\/(script|style)/gi, '<\\/$1');

/** Data as JSON that may sit inside a <script type="application/json"> element (no `<`, no JS line separators). */
export const inlineJson = (data: unknown) =>
  JSON.stringify(data).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

/** Text for an HTML element or attribute value. */
export const escapeHtml = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
