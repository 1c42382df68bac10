/** A minimal XML well-formedness check for the reports we write (no dependency on a parser). */
import { expect } from 'vitest';

export function expectWellFormedXml(xml: string): void {
  expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
  const body = xml.replace(/^<\?xml[^>]*\?>/, '');
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|<|&(?!(?:amp|lt|gt|quot|apos);)/g;
  let m: RegExpExecArray | null;
  while ((m = tag.exec(body)) !== null) {
    if (m[2] === undefined) throw new Error(`stray ${JSON.stringify(m[0])} at ${m.index}: ${body.slice(m.index, m.index + 40)}`);
    if (m[4] === '/') continue;
    if (m[1] === '/') expect(stack.pop(), `closing </${m[2]}>`).toBe(m[2]);
    else stack.push(m[2]);
  }
  expect(stack).toEqual([]);
}
