import { isMap, isPair, isScalar, isSeq, type Node, type Pair, type Scalar } from 'yaml';
import type { ParsedYaml } from './yamlDocument';

/** A scalar of a parsed document and where it sits. */
export interface NodeAt {
  scalar: Scalar;
  /** a mapping key, a mapping value, or an item of a sequence */
  role: 'key' | 'value' | 'item';
  /** keys of the enclosing mappings, outermost first; for a value or an item, its own key is last */
  path: string[];
  /** position of an item in its sequence */
  index?: number;
}

const keyText = (pair: Pair<unknown, unknown>) => (isScalar(pair.key) ? String(pair.key.value) : '');
const contains = (node: unknown, offset: number) => {
  const r = (node as Node | null)?.range;
  return !!r && offset >= r[0] && offset <= r[1];
};

/** The scalar at an offset, found through the ranges of the enclosing collections. */
export function nodeAt(parsed: ParsedYaml, offset: number): NodeAt | undefined {
  const path: string[] = [];
  let node: unknown = parsed.doc.contents;
  for (;;) {
    if (isMap(node)) {
      const pair = node.items.find((p) => contains(p.key, offset) || contains(p.value, offset));
      if (!pair) return undefined;
      if (contains(pair.key, offset)) return isScalar(pair.key) ? { scalar: pair.key, role: 'key', path } : undefined;
      path.push(keyText(pair));
      if (isScalar(pair.value)) return { scalar: pair.value, role: 'value', path };
      node = pair.value;
    } else if (isSeq(node)) {
      const index = node.items.findIndex((i) => contains(isPair(i) ? i.key : i, offset) || (isPair(i) && contains(i.value, offset)));
      if (index === -1) return undefined;
      const item = node.items[index];
      if (isScalar(item)) return { scalar: item, role: 'item', path, index };
      node = item;
    } else return undefined;
  }
}

/** Where the cursor is in a line being typed, read from the indentation of the lines above it. */
export interface LineContext {
  /** keys of the enclosing mappings, outermost first; for a value or an item, its own key is last */
  path: string[];
  role: 'key' | 'value' | 'item';
  /** what is typed so far, and the column it starts at */
  prefix: string;
  start: number;
}

const unquote = (s: string) => s.replace(/^(["'])(.*)\1$/, '$2');
const KEY_LINE = /^(\s*)(-\s+)?((?:"[^"]*"|'[^']*'|[^\s#:"'][^#]*?))\s*:(?:\s|$)/;

/**
 * The context of the cursor from the text alone: a document being typed is often not valid YAML,
 * and its parse then says little about the line under the cursor.
 */
export function lineContext(lines: string[], line: number, character: number): LineContext | undefined {
  const before = (lines[line] ?? '').slice(0, character);
  let ctx: LineContext | undefined;
  let indent: number;
  let m: RegExpExecArray | null;
  if ((m = /^(\s*)(-\s+)?((?:"[^"]*"|'[^']*'|[^\s#:"'][^#]*?))\s*:\s+["']?([^"'\s]*)$/.exec(before))) {
    indent = m[1].length + (m[2]?.length ?? 0);
    ctx = { path: [unquote(m[3])], role: 'value', prefix: m[4], start: character - m[4].length };
  } else if ((m = /^(\s*)-\s+["']?([^"'\s:]*)$/.exec(before))) {
    indent = m[1].length;
    ctx = { path: [], role: 'item', prefix: m[2], start: character - m[2].length };
  } else if ((m = /^(\s*)["']?([^"'\s#]*)$/.exec(before))) {
    indent = m[1].length;
    ctx = { path: [], role: 'key', prefix: m[2], start: character - m[2].length };
  } else return undefined;
  // the parents: each line above that is less indented (an item's key may share its column)
  let limit = indent;
  for (let l = line - 1; l >= 0 && limit > 0; l--) {
    const text = lines[l];
    if (/^\s*(#.*)?$/.test(text)) continue;
    const own = text.length - text.trimStart().length;
    const sameColumnParent = ctx.role === 'item' && own === limit && limit === indent && !text.trimStart().startsWith('-');
    if (own >= limit && !sameColumnParent) continue;
    const k = KEY_LINE.exec(text);
    if (k && (!k[2] || own + k[2].length < limit)) ctx.path.unshift(unquote(k[3]));
    limit = own;
  }
  return ctx;
}
