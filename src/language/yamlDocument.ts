import { isMap, isScalar, LineCounter, parseDocument, visit, type Document, type Node, type Pair } from 'yaml';

export interface OffsetRange {
  start: number;
  end: number;
}

export interface YamlProblem {
  message: string;
  range: OffsetRange;
  code: string;
}

export interface ParsedYaml {
  doc: Document.Parsed;
  lineCounter: LineCounter;
  problems: YamlProblem[];
  /** The top-level mapping's pairs (empty when the root is not a mapping). */
  topLevel: Pair<Node, Node | null>[];
}

/** Parses as YAML 1.1, the way PyYAML (and so Heat) reads templates: `yes`/`on` are booleans. */
export function parseYaml(text: string): ParsedYaml {
  const lineCounter = new LineCounter();
  // the yaml package's own unique-key check is quadratic in the size of a mapping: ours is not
  const doc = parseDocument(text, { version: '1.1', lineCounter, keepSourceTokens: false, uniqueKeys: false, prettyErrors: false });
  const problems: YamlProblem[] = doc.errors.map((e) => ({
    message: e.message.split('\n')[0],
    range: { start: e.pos[0], end: Math.max(e.pos[1], e.pos[0] + 1) },
    code: 'yaml-syntax',
  }));
  visit(doc, {
    Map(_, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const k = String(pair.key.value);
        const r = nodeRange(pair.key);
        if (seen.has(k) && r) problems.push({ message: `Map keys must be unique: "${k}" is defined more than once`, range: r, code: 'yaml-duplicate-key' });
        seen.add(k);
      }
    },
  });
  const topLevel = isMap(doc.contents) ? (doc.contents.items as Pair<Node, Node | null>[]) : [];
  return { doc, lineCounter, problems, topLevel };
}

export function keyName(pair: Pair<unknown, unknown>): string | undefined {
  const k = pair.key;
  if (isScalar(k)) return String(k.value);
  return undefined;
}

export function nodeRange(node: unknown): OffsetRange | undefined {
  const r = (node as { range?: [number, number, number] } | null)?.range;
  return r ? { start: r[0], end: r[1] } : undefined;
}
