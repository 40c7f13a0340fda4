import { Document, isMap, isPair, isScalar, LineCounter, Pair, parseDocument, YAMLMap, type Node } from 'yaml';
import { checkCollections, dropFinalBreak, HEAT_YAML_OPTIONS, isMergeKey, parseHeatYaml, type HeatYamlProblem } from '../tripleo/heatYaml';

export interface OffsetRange {
  start: number;
  end: number;
}

export interface YamlProblem {
  message: string;
  range: OffsetRange;
  code: string;
  /** an error where Heat would refuse the file; a warning where it accepts it (a repeated key) */
  severity: 'error' | 'warning';
}

const CODES: Record<string, string> = { DUPLICATE_KEY: 'yaml-duplicate-key', BAD_MERGE: 'yaml-merge' };
const toProblem = (p: HeatYamlProblem): YamlProblem => ({
  message: p.message,
  range: { start: p.start, end: p.end },
  code: CODES[p.code] ?? 'yaml-syntax',
  severity: p.severity,
});

export interface ParsedYaml {
  doc: Document.Parsed;
  lineCounter: LineCounter;
  problems: YamlProblem[];
  /** The top-level mapping's pairs (empty when the root is not a mapping). */
  topLevel: Pair<Node, Node | null>[];
}

/** Parses the way Heat reads templates (PyYAML, YAML 1.1, timestamps as strings): see heatYaml. */
export function parseYaml(text: string): ParsedYaml {
  const { doc, lineCounter, errors, warnings } = parseHeatYaml(text);
  const problems = [...errors, ...warnings].map(toProblem);
  problems.sort((x, y) => x.range.start - y.range.start);
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

/** Parsed pieces of a document kept between versions, by the hash of their text: see parseYamlIncremental. */
export type ChunkCache = Map<number, CachedChunk[]>;
interface CachedChunk {
  /** the piece's text, as a slice of the latest version (so older versions' texts are not kept) */
  text: string;
  items: Pair<Node, Node | null>[];
  /** duplicate keys inside the entries' values, with ranges relative to the piece */
  nested: YamlProblem[];
  /** where the chunk started when its node ranges were last set */
  offset: number;
}

// Sections longer than this are split into pieces of their entries.
const SPLIT_SECTION_LINES = 24;
// A piece ends at an entry whose first line hashes to 0 modulo this: the boundaries depend only on
// the text near them, so an edit re-parses one piece and the others come from the cache.
const PIECE_SPREAD = 4;

/**
 * The same result as parseYaml for a document whose root is a block mapping, made of pieces
 * (top-level entries, and runs of entries of long sections) parsed on their own and reused from
 * `cache` when their text is unchanged: after a one-line edit only one piece is parsed again.
 * Anything the pieces cannot represent exactly (syntax errors, anchors, several documents, a root
 * that is not a block mapping) is parsed as a whole.
 */
export function parseYamlIncremental(text: string, cache: ChunkCache): ParsedYaml {
  const pieces = splitPieces(text);
  if (!pieces) return parseYaml(text);
  const used: ChunkCache = new Map();
  const root = new YAMLMap<Node, Node | null>();
  const problems: YamlProblem[] = [];
  const sections: YAMLMap[] = [root as YAMLMap];
  let section: Pair<Node, Node | null> | undefined;
  for (const piece of pieces) {
    const key = hash(text, piece.start, piece.end);
    const length = piece.end - piece.start;
    // the last piece of a text without a final line break is parsed each time (see dropFinalBreak)
    const candidates = piece.end === text.length && text.charCodeAt(text.length - 1) !== 10 ? undefined : cache.get(key);
    let chunk: CachedChunk | undefined;
    for (let i = 0; candidates && i < candidates.length; i++) {
      if (candidates[i].text.length === length && text.startsWith(candidates[i].text, piece.start)) {
        chunk = candidates[i];
        candidates.splice(i, 1);
        break;
      }
    }
    const chunkText = text.slice(piece.start, piece.end);
    if (chunk) shiftRanges(chunk.items, piece.start - chunk.offset);
    else {
      const doc = parseDocument(chunkText, HEAT_YAML_OPTIONS);
      if (doc.errors.length || doc.warnings.length || !isMap(doc.contents) || !doc.contents.items.length) return parseYaml(text);
      const items = doc.contents.items as Pair<Node, Node | null>[];
      if (piece.kind === 'header' && (items.length !== 1 || (items[0].value !== null && !(isScalar(items[0].value) && items[0].value.value === null))))
        return parseYaml(text);
      const nested = items.flatMap((i) => (isPair(i) && i.value ? collectionProblems(doc, i.value) : []));
      shiftRanges(items, piece.start);
      chunk = { text: chunkText, items, nested, offset: 0 };
    }
    for (const p of chunk.nested) problems.push({ ...p, range: { start: p.range.start + piece.start, end: p.range.end + piece.start } });
    chunk.offset = piece.start;
    chunk.text = chunkText;
    const same = used.get(key);
    if (same) same.push(chunk);
    else used.set(key, [chunk]);
    if (piece.kind === 'entries') {
      const value = section!.value as YAMLMap<Node, Node | null>;
      for (const item of chunk.items) value.items.push(item);
      value.range = [value.range![0], piece.end, piece.end];
    } else {
      // a header's own pair is rebuilt each time: the entries under it change from version to version
      const [own] = chunk.items;
      section = new Pair(own.key, piece.kind === 'header' ? null : own.value) as Pair<Node, Node | null>;
      if (piece.kind === 'header') {
        const value = new YAMLMap<Node, Node | null>();
        value.range = [piece.end, piece.end, piece.end];
        section.value = value;
        sections.push(value as YAMLMap);
      }
      root.items.push(section);
      for (let i = 1; i < chunk.items.length; i++) root.items.push(chunk.items[i]);
    }
  }
  cache.clear();
  for (const [k, v] of used) cache.set(k, v);
  // keys can repeat across pieces only in the maps the pieces were joined into
  for (const map of sections) problems.push(...duplicatesIn(map));
  // a block scalar at the very end keeps no line break when the text has none (see heatYaml)
  if (text.length && text.charCodeAt(text.length - 1) !== 10) dropFinalBreak(root, text.length);
  problems.sort((x, y) => x.range.start - y.range.start);
  root.range = [0, text.length, text.length];
  const doc = new Document() as unknown as Document.Parsed;
  doc.contents = root as unknown as Document.Parsed['contents'];
  const lineCounter = new LineCounter();
  lineCounter.addNewLine(0);
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineCounter.addNewLine(i + 1);
  return { doc, lineCounter, problems, topLevel: root.items };
}

interface Piece {
  start: number;
  end: number;
  /** whole: top-level entries; header: a section's key alone; entries: some entries of the last header */
  kind: 'whole' | 'header' | 'entries';
}

const SPACE = 32;
const HASH = 35;
const DASH = 45;
const DOT = 46;
const PERCENT = 37;

/** Column of the first character that is not a space, or -1 for a blank or comment line. */
function indentOf(text: string, start: number, end: number): number {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === SPACE) continue;
    return c === 10 || c === 13 || c === HASH ? -1 : i - start;
  }
  return -1;
}

function splitPieces(text: string): Piece[] | undefined {
  // document markers, directives, anchors and tabs are rare in plan files: those are parsed whole
  if ((text.includes('&') && /(^|[\s[{,])&\w/.test(text)) || text.includes('\t')) return undefined;
  const starts: number[] = [];
  const indents: number[] = [];
  for (let start = 0; start < text.length;) {
    const nl = text.indexOf('\n', start);
    const end = nl === -1 ? text.length : nl + 1;
    const c = text.charCodeAt(start);
    if ((c === DASH || c === DOT) && /^(---|\.\.\.)/.test(text.slice(start, start + 3))) return undefined;
    if (c === PERCENT) return undefined;
    starts.push(start);
    indents.push(indentOf(text, start, end));
    start = end;
  }
  const count = starts.length;
  starts.push(text.length);
  // a line that begins an entry at `indent`: not a comment, a list item or the end of a flow collection
  const opensEntry = (line: number, indent: number) => {
    if (indents[line] !== indent) return false;
    const c = text[starts[line] + indent];
    return c !== '-' && c !== ']' && c !== '}';
  };
  const blocks: { first: number; last: number }[] = [];
  for (let i = 0; i < count; i++) {
    if (indents[i] === -1) continue;
    if (!opensEntry(i, 0)) {
      if (!blocks.length) return undefined;
      continue;
    }
    if (blocks.length) blocks[blocks.length - 1].last = i - 1;
    blocks.push({ first: blocks.length ? i : 0, last: count - 1 });
  }
  if (!blocks.length) return undefined;
  const pieces: Piece[] = [];
  for (const b of blocks) {
    let head = b.first;
    while (indents[head] === -1) head++;
    let firstChild = head + 1;
    while (firstChild <= b.last && indents[firstChild] === -1) firstChild++;
    const indent = firstChild <= b.last ? indents[firstChild] : 0;
    const headText = text.slice(starts[head], starts[head + 1]);
    const splittable = b.last - b.first + 1 > SPLIT_SECTION_LINES && /:\s*(#.*)?$/.test(headText) && indent > 0 && opensEntry(firstChild, indent);
    if (!splittable) {
      pieces.push({ start: starts[b.first], end: starts[b.last + 1], kind: 'whole' });
      continue;
    }
    pieces.push({ start: starts[b.first], end: starts[head + 1], kind: 'header' });
    let pieceStart = head + 1;
    for (let i = firstChild + 1; i <= b.last; i++) {
      if (opensEntry(i, indent) && hash(text, starts[i], starts[i + 1]) % PIECE_SPREAD === 0) {
        pieces.push({ start: starts[pieceStart], end: starts[i], kind: 'entries' });
        pieceStart = i;
      }
    }
    pieces.push({ start: starts[pieceStart], end: starts[b.last + 1], kind: 'entries' });
  }
  return pieces;
}

function hash(s: string, start: number, end: number): number {
  // FNV-1a kept to 30 bits: small integers are no heap objects, neither here nor as Map keys
  let h = 0x011c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) & 0x3fffffff;
  return h;
}

function shiftRanges(items: Pair<Node, Node | null>[], delta: number): void {
  if (!delta) return;
  const stack: unknown[] = [...items];
  while (stack.length) {
    const n = stack.pop() as { range?: [number, number, number]; items?: unknown[]; key?: unknown; value?: unknown } | null;
    if (!n || typeof n !== 'object') continue;
    if (n.range) {
      n.range[0] += delta;
      n.range[1] += delta;
      n.range[2] += delta;
    }
    if (isPair(n)) stack.push(n.key, n.value);
    else if (n.items) for (const i of n.items) stack.push(i);
  }
}

/** Repeated keys of one mapping (the last wins in Heat: a warning). */
function duplicatesIn(map: YAMLMap): YamlProblem[] {
  const problems: YamlProblem[] = [];
  const seen = new Set<string>();
  for (const pair of map.items) {
    if (!isScalar(pair.key) || isMergeKey(pair.key)) continue;
    const k = String(pair.key.value);
    const r = nodeRange(pair.key);
    if (seen.has(k) && r)
      problems.push({ message: `Repeated key "${k}": Heat keeps the last value`, range: r, code: CODES.DUPLICATE_KEY, severity: 'warning' });
    seen.add(k);
  }
  return problems;
}

function collectionProblems(doc: Document, node: Node): YamlProblem[] {
  const problems: YamlProblem[] = [];
  checkCollections(doc, node, (start, end, message, code, severity) =>
    problems.push({ message, range: { start, end }, code: CODES[code] ?? 'yaml-syntax', severity }),
  );
  return problems;
}
