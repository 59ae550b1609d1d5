/**
 * Escaping-by-default HTML building. Every interpolation into `html\`…\`` is escaped unless it is
 * already `SafeHtml` (built by `html` itself or marked with `trusted`), so user text — a source
 * file name, an event type, a warning — can never turn into markup by accident.
 */

export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** Values `html` accepts; arrays are joined with nothing between them, null/undefined/false render as nothing. */
export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** Marks a string that the caller guarantees is well-formed, safe markup. */
export function trusted(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

function renderValue(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.value;
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map(renderValue).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += renderValue(values[i]) + strings[i + 1];
  return new SafeHtml(out);
}

/**
 * JSON for a `<script type="application/json">` block. `<`, `>` and `&` become \u escapes so a
 * string such as `</script>` or `<!--` inside the data cannot end or confuse the block; U+2028/9
 * are escaped so the text is also a valid JS literal. JSON.parse restores them all.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** An id safe to use in HTML id attributes and CSS selectors: letters, digits, `-` and `_`. */
export function isSafeId(id: string): boolean {
  return /^[A-Za-z][A-Za-z0-9_-]*$/.test(id);
}
