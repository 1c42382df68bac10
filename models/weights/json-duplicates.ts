/**
 * Duplicate keys in JSON text. JSON.parse keeps the last of two equal keys without a word, so a
 * safetensors header naming a tensor twice would load one of two readings silently: the reader
 * asks this scanner first. The text must already be valid JSON (JSON.parse succeeded).
 */

interface Frame {
  /** keys seen so far in this object; null for an array */
  keys: Set<string> | null;
  path: string;
  /** the key whose value comes next (objects) */
  lastKey: string;
}

/** Path of every key that appears twice in its object, e.g. `layers.0.ffn.w1`, `__metadata__.L`. */
export function duplicateKeyPaths(text: string): string[] {
  const found: string[] = [];
  const stack: Frame[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const end = stringEnd(text, i);
      const top = stack[stack.length - 1];
      if (top?.keys && nextNonSpace(text, end) === ':') {
        const key = JSON.parse(text.slice(i, end)) as string;
        if (top.keys.has(key)) found.push(join(top.path, key));
        top.keys.add(key);
        top.lastKey = key;
      }
      i = end - 1;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      const parent = stack[stack.length - 1];
      const path = parent === undefined ? '' : parent.keys ? join(parent.path, parent.lastKey) : `${parent.path}[]`;
      stack.push({ keys: c === 0x7b ? new Set() : null, path, lastKey: '' });
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
    }
  }
  return found;
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** Index just past the closing quote of the string starting at `start`. */
function stringEnd(text: string, start: number): number {
  for (let j = start + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 0x5c /* \ */) j++;
    else if (c === 0x22) return j + 1;
  }
  return text.length;
}

function nextNonSpace(text: string, from: number): string | undefined {
  for (let j = from; j < text.length; j++) {
    const ch = text[j]!;
    if (ch !== ' ' && ch !== '\n' && ch !== '\r' && ch !== '\t') return ch;
  }
  return undefined;
}
