import {
  Alias,
  Document,
  YAMLError,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  Scalar,
  type DocumentOptions,
  type Node,
  type ParseOptions,
  type SchemaOptions,
  type ScalarTag,
  type Tags,
} from 'yaml';

/**
 * YAML read the way Heat reads it: PyYAML's safe loader (YAML 1.1) with timestamps kept as the
 * text they are written as. So `heat_template_version: 2015-04-30` is the string "2015-04-30",
 * `yes`/`on` are booleans but `y`/`n` are strings, `09` is a string and `0o7`... as PyYAML says;
 * a repeated key keeps its last value (a warning, never a refusal); `<<` merges as PyYAML merges;
 * what PyYAML loads loads here with the same value.
 */

export interface HeatYamlProblem {
  message: string;
  /** the yaml package's error code, or ours: DUPLICATE_KEY, BAD_MERGE */
  code: string;
  severity: 'error' | 'warning';
  /** offsets in the text */
  start: number;
  end: number;
  /** 1-based */
  line: number;
  col: number;
}

export interface HeatYamlParse {
  doc: Document.Parsed;
  lineCounter: LineCounter;
  /** what makes Heat refuse the file (syntax PyYAML refuses too, an invalid merge source) */
  errors: HeatYamlProblem[];
  /** what Heat accepts but a person probably did not mean (repeated keys) */
  warnings: HeatYamlProblem[];
}

/** A file Heat would refuse: its first error, with file and line. */
export class HeatYamlError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly col: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}:${col}: ${reason}`);
    this.name = 'HeatYamlError';
  }
}

const MAP = 'tag:yaml.org,2002:map';
const SEQ = 'tag:yaml.org,2002:seq';
const STR = 'tag:yaml.org,2002:str';
const KEPT = new Set([MAP, SEQ, STR, 'tag:yaml.org,2002:binary', 'tag:yaml.org,2002:omap', 'tag:yaml.org,2002:pairs', 'tag:yaml.org,2002:set']);

// PyYAML's implicit resolvers (yaml/resolver.py), which differ from the yaml package's YAML 1.1 ones
const PY_BOOL = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const PY_INT = /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const PY_FLOAT =
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const PY_NULL = /^(?:~|null|Null|NULL|)$/;
const PY_TIMESTAMP =
  /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/;

/** PyYAML's construct_yaml_int: underscores dropped, 0b/0x/0 prefixes, base-60 parts (as a JavaScript number). */
function pyInt(text: string): number {
  let s = text.replace(/_/g, '');
  let sign = 1;
  if (s[0] === '-' || s[0] === '+') {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  let big: bigint;
  if (s.startsWith('0b')) big = BigInt(s);
  else if (s.startsWith('0x')) big = BigInt(s);
  else if (s[0] === '0') big = BigInt(`0o${s.slice(1)}`);
  else if (s.includes(':')) big = s.split(':').reduce((acc, d) => acc * 60n + BigInt(d), 0n);
  else big = BigInt(s);
  return Number(big) * sign;
}

/** PyYAML's construct_yaml_float. */
function pyFloat(text: string): number {
  let s = text.replace(/_/g, '').toLowerCase();
  let sign = 1;
  if (s[0] === '-' || s[0] === '+') {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  if (s === '.inf') return sign * Infinity;
  if (s === '.nan') return NaN;
  if (s.includes(':')) return sign * s.split(':').reduce((acc, d) => acc * 60 + parseFloat(d), 0);
  return sign * parseFloat(s);
}

const scalar = (
  tag: string,
  test: RegExp,
  resolve: (s: string) => unknown,
  identify: (v: unknown) => boolean,
  stringify: (v: unknown) => string,
): ScalarTag => ({
  identify,
  default: true,
  tag,
  test,
  resolve: (s: string) => new Scalar(resolve(s)),
  stringify: ({ value }) => stringify(value),
});

/** A float as PyYAML reads one back: with a dot, and a signed exponent. */
function floatText(v: unknown): string {
  const n = Number(v);
  if (Number.isNaN(n)) return '.nan';
  if (!Number.isFinite(n)) return n > 0 ? '.inf' : '-.inf';
  const [mantissa, exponent] = String(n).split('e');
  const m = mantissa.includes('.') ? mantissa : `${mantissa}.0`;
  return exponent === undefined ? m : `${m}e${exponent.startsWith('-') ? '' : '+'}${exponent.replace(/^\+/, '')}`;
}

const PY_TAGS: ScalarTag[] = [
  scalar(
    'tag:yaml.org,2002:null',
    PY_NULL,
    () => null,
    (v) => v === null || v === undefined,
    () => 'null',
  ),
  scalar(
    'tag:yaml.org,2002:bool',
    PY_BOOL,
    (s) => /^(?:yes|true|on)$/i.test(s),
    (v) => typeof v === 'boolean',
    (v) => (v ? 'true' : 'false'),
  ),
  scalar('tag:yaml.org,2002:int', PY_INT, pyInt, (v) => (typeof v === 'number' && Number.isInteger(v)) || typeof v === 'bigint', String),
  scalar('tag:yaml.org,2002:float', PY_FLOAT, pyFloat, (v) => typeof v === 'number', floatText),
  // Heat's loader constructs timestamps as strings: the text as written
  scalar(
    'tag:yaml.org,2002:timestamp',
    PY_TIMESTAMP,
    (s) => s,
    () => false,
    String,
  ),
];

function heatTags(tags: Tags): Tags {
  return [...tags.filter((t) => KEPT.has((t as { tag: string }).tag)), ...PY_TAGS];
}

/** The parser options every reader of plan files uses. */
export const HEAT_YAML_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  schema: 'yaml-1.1',
  customTags: heatTags,
  // `<<` stays a plain key: merges are applied by heatValue the way PyYAML applies them
  merge: false,
  // the yaml package's own check is quadratic in a mapping's size and refuses what Heat accepts
  uniqueKeys: false,
  keepSourceTokens: false,
  prettyErrors: false,
};

// Errors the yaml package raises on text PyYAML loads with a well-defined value: a quoted scalar or a
// flow collection continued on lines less indented than its key (PyYAML ignores indentation inside
// both; newton's puppet/ceph-cluster-config.yaml has one). Such a text is parsed again with those
// lines indented, which changes no value, and the positions are mapped back.
const INDENT_ERRORS = new Set(['BAD_INDENT', 'MISSING_CHAR', 'MULTILINE_IMPLICIT_KEY', 'UNEXPECTED_TOKEN', 'MISSING_KEY']);

/** Parses text as Heat does; problems carry lines. Never throws. */
export function parseHeatYaml(text: string, lineCounter = new LineCounter()): HeatYamlParse {
  let doc = parseDocument(text, { ...HEAT_YAML_OPTIONS, lineCounter });
  if (doc.errors.some((e) => INDENT_ERRORS.has(e.code))) {
    const fixed = repaired(text, doc.errors);
    if (fixed) {
      const again = parseDocument(fixed.text, HEAT_YAML_OPTIONS);
      if (!again.errors.length) {
        moveRanges(again.contents, fixed.inserted);
        doc = again;
      }
    }
  }
  if (text.length && text.charCodeAt(text.length - 1) !== 10) dropFinalBreak(doc.contents, text.length);
  const problem = (start: number, end: number, message: string, code: string, severity: 'error' | 'warning'): HeatYamlProblem => {
    const p = lineCounter.linePos(start);
    return { message, code, severity, start, end: Math.max(end, start + 1), line: p.line, col: p.col };
  };
  const errors: HeatYamlProblem[] = doc.errors
    // PyYAML takes `#` right after a flow collection or a quoted scalar as a comment (queens'
    // rendered puppet/*-role.yaml has `{get_resource: X}# Hook ...`); the value is the same
    .filter(
      (e) =>
        !(
          e.code === 'MISSING_CHAR' &&
          e.message.startsWith('Comments must be separated') &&
          /[\]}"']\s*$/.test(text.slice(Math.max(0, e.pos[0] - 2), e.pos[0]))
        ),
    )
    .map((e) => problem(e.pos[0], e.pos[1], e.message.split('\n')[0], e.code, 'error'));
  const warnings: HeatYamlProblem[] = [];
  checkCollections(doc, doc.contents, (start, end, message, code, severity) =>
    (severity === 'error' ? errors : warnings).push(problem(start, end, message, code, severity)),
  );
  return { doc, lineCounter, errors, warnings };
}

/**
 * The text with what PyYAML reads differently made explicit, changing no value: lines inside a
 * quoted scalar or flow collection indented (see indentContinuations), and a space before a `#`
 * that follows a token directly (`{get_param: X}# comment`, as Jinja output often has: PyYAML
 * reads a comment there, the yaml package refuses it).
 */
function repaired(text: string, errors: readonly YAMLError[]): { text: string; inserted: [number, number][] } | undefined {
  const inserted = indentContinuations(text)?.inserted ?? [];
  for (const e of errors)
    if (e.code === 'MISSING_CHAR' && text[e.pos[0]] === '#' && e.message.startsWith('Comments must be separated')) inserted.push([e.pos[0], 1]);
  if (!inserted.length) return undefined;
  inserted.sort((a, b) => a[0] - b[0]);
  return { text: withSpaces(text, inserted), inserted };
}

/** The text with `count` spaces inserted at each [offset, count] (offsets in order). */
function withSpaces(text: string, inserted: [number, number][]): string {
  let out = '';
  let from = 0;
  for (const [at, count] of inserted) {
    out += text.slice(from, at) + ' '.repeat(count);
    from = at;
  }
  return out + text.slice(from);
}

/**
 * A block scalar that ends the text without a final line break: PyYAML keeps no line break
 * (there is none to keep), the yaml package adds one.
 */
export function dropFinalBreak(node: unknown, end: number): void {
  for (let n = node; n;) {
    if (isScalar(n)) {
      if (
        (n.type === Scalar.BLOCK_LITERAL || n.type === Scalar.BLOCK_FOLDED) &&
        typeof n.value === 'string' &&
        n.value.endsWith('\n') &&
        n.range &&
        n.range[1] >= end
      )
        n.value = n.value.slice(0, -1);
      return;
    }
    if (isMap(n)) {
      const last = n.items[n.items.length - 1];
      n = last?.value ?? last?.key;
    } else if (isSeq(n)) n = n.items[n.items.length - 1];
    else return;
  }
}

/**
 * The text with every line that starts inside a quoted scalar or a flow collection (opened in block
 * context) indented one column past the line that opened it; undefined when there is none.
 * `inserted` lists [offset in the original text, spaces added there], in order.
 */
export function indentContinuations(text: string): { text: string; inserted: [number, number][] } | undefined {
  const inserted: [number, number][] = [];
  let quote = '';
  let depth = 0;
  let openIndent = 0;
  let lineIndent = 0;
  let blockScalarIndent = -1;
  let lastSignificant = '\n';
  let lineSeen = -1;
  for (let i = 0; i < text.length; i++) {
    if (lineSeen < i && (i === 0 || text[i - 1] === '\n')) {
      lineSeen = i;
      let j = i;
      while (text[j] === ' ') j++;
      const blank = j >= text.length || text[j] === '\n' || text[j] === '\r';
      if (blockScalarIndent >= 0) {
        if (blank || j - i > blockScalarIndent) {
          i = Math.max(i, text.indexOf('\n', i) === -1 ? text.length : text.indexOf('\n', i));
          continue;
        }
        blockScalarIndent = -1;
      }
      if ((quote || depth) && !blank && j - i <= openIndent) inserted.push([i, openIndent + 1 - (j - i)]);
      if (!quote && !depth) lineIndent = j - i;
      lastSignificant = '\n';
      if (j > i) {
        i = j - 1;
        continue;
      }
    }
    const c = text[i];
    if (quote) {
      if (quote === '"' && c === '\\') i++;
      else if (c === quote) {
        if (quote === "'" && text[i + 1] === "'") i++;
        else {
          quote = '';
          lastSignificant = 'x';
        }
      }
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') continue;
    const afterSpace = text[i - 1] === ' ' || text[i - 1] === '\t' || text[i - 1] === '\n' || i === 0;
    if (c === '#' && afterSpace) {
      const nl = text.indexOf('\n', i);
      i = (nl === -1 ? text.length : nl) - 1;
      continue;
    }
    const tokenStart = '\n:-?[{,'.includes(lastSignificant) && (afterSpace || '[{,'.includes(lastSignificant));
    if ((c === '"' || c === "'") && tokenStart) {
      if (!depth) openIndent = lineIndent;
      quote = c;
    } else if ((c === '[' || c === '{') && tokenStart) {
      if (!depth) openIndent = lineIndent;
      depth++;
    } else if ((c === ']' || c === '}') && depth) depth--;
    else if ((c === '|' || c === '>') && !depth && tokenStart && lastSignificant !== ',') {
      const rest = /^[|>][-+0-9]*[ \t]*(#[^\n]*)?(?=\r?\n|$)/.exec(text.slice(i, i + 64));
      if (rest) {
        blockScalarIndent = lineIndent;
        i += rest[0].length - 1;
        continue;
      }
    } else if (!depth && tokenStart) {
      // a plain scalar: its quotes are text, up to the end of the line or a `: ` / ` #`
      while (
        i + 1 < text.length &&
        text[i + 1] !== '\n' &&
        !(text[i + 1] === ':' && /[ \t\r\n]/.test(text[i + 2] ?? '\n')) &&
        !(text[i + 1] === '#' && text[i] === ' ')
      )
        i++;
      lastSignificant = 'x';
      continue;
    }
    lastSignificant = c;
  }
  if (!inserted.length) return undefined;
  return { text: withSpaces(text, inserted), inserted };
}

/** Maps the ranges of a tree parsed from the indented text back to the original text. */
function moveRanges(root: unknown, inserted: [number, number][]): void {
  // fixed offsets at which each insertion ends, and the total inserted up to it
  const ends: number[] = [];
  const totals: number[] = [];
  let total = 0;
  for (const [at, count] of inserted) {
    total += count;
    ends.push(at + total);
    totals.push(total);
  }
  const back = (offset: number) => {
    let lo = 0;
    let hi = ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ends[mid] <= offset) lo = mid + 1;
      else hi = mid;
    }
    return offset - (lo ? totals[lo - 1] : 0);
  };
  const stack: unknown[] = [root];
  while (stack.length) {
    const n = stack.pop() as { range?: [number, number, number]; items?: unknown[]; key?: unknown; value?: unknown } | null;
    if (!n || typeof n !== 'object') continue;
    if (n.range) n.range = [back(n.range[0]), back(n.range[1]), back(n.range[2])];
    if ('key' in n && 'value' in n && !n.range) stack.push(n.key, n.value);
    else if (Array.isArray(n.items)) stack.push(...n.items);
  }
}

type Found = (start: number, end: number, message: string, code: string, severity: 'error' | 'warning') => void;

/** Repeated keys (a warning: the last wins) and merge sources PyYAML refuses (an error), in linear time. */
export function checkCollections(doc: Document, root: unknown, found: Found): void {
  const stack: unknown[] = [root];
  const seenNodes = new Set<unknown>();
  while (stack.length) {
    const node = stack.pop();
    if (!node || typeof node !== 'object' || seenNodes.has(node)) continue;
    seenNodes.add(node);
    if (isMap(node)) {
      const keys = new Set<string>();
      for (const pair of node.items) {
        const k = pair.key;
        if (isMergeKey(k)) {
          const v = pair.value as Node | null;
          const bad = mergeProblem(doc, v);
          if (bad) {
            const r = (bad.node as Node | null)?.range ?? (k as Node).range!;
            found(r[0], r[1], bad.message, 'BAD_MERGE', 'error');
          }
        } else if (isScalar(k)) {
          const name = String(k.value);
          if (keys.has(name) && k.range) found(k.range[0], k.range[1], `Repeated key "${name}": Heat keeps the last value`, 'DUPLICATE_KEY', 'warning');
          keys.add(name);
        }
        stack.push(pair.key, pair.value);
      }
    } else if (isSeq(node)) for (const i of node.items) stack.push(i);
  }
}

/** A plain `<<` key: PyYAML's merge key (a quoted one is an ordinary key). */
export function isMergeKey(key: unknown): boolean {
  return isScalar(key) && key.value === '<<' && (key.type === Scalar.PLAIN || key.type === undefined) && !key.tag;
}

function resolved(doc: Document, node: unknown): unknown {
  return isAlias(node) ? (node as Alias).resolve(doc as Document.Parsed) : node;
}

function mergeProblem(doc: Document, value: Node | null): { message: string; node: unknown } | undefined {
  const v = resolved(doc, value);
  if (isMap(v)) return undefined;
  if (isSeq(v)) {
    for (const item of v.items)
      if (!isMap(resolved(doc, item))) return { message: `expected a mapping for merging, but found ${kindOf(resolved(doc, item))}`, node: item };
    return undefined;
  }
  return { message: `expected a mapping or list of mappings for merging, but found ${kindOf(v)}`, node: value };
}

const kindOf = (n: unknown) => (isMap(n) ? 'a mapping' : isSeq(n) ? 'a sequence' : n === undefined ? 'an unknown alias' : 'a scalar');

// An input whose aliases expand beyond this many values is refused (a "billion laughs" document)
const VALUE_BUDGET = 5_000_000;

/**
 * The value of a node as Heat loads it: merges applied as PyYAML applies them (earlier entries of
 * a merged list win, the mapping's own keys win over merged ones), a repeated key keeps its last
 * value, aliases shared. An invalid merge source is skipped (parseHeatYaml reports it). Never throws.
 */
export function heatValue(node: unknown, doc?: Document): unknown {
  let budget = VALUE_BUDGET;
  const done = new Map<unknown, unknown>();
  const convert = (n: unknown): unknown => {
    if (--budget < 0) return null;
    if (n === null || n === undefined) return null;
    if (isAlias(n)) return doc ? convert((n as Alias).resolve(doc as Document.Parsed)) : null;
    if (isScalar(n)) return n.value === undefined ? null : n.value;
    const known = done.get(n);
    if (known !== undefined) return known;
    if (isSeq(n)) {
      const out: unknown[] = [];
      done.set(n, out);
      for (const i of n.items) out.push(convert(i));
      return out;
    }
    if (isMap(n)) {
      const out: Record<string, unknown> = {};
      done.set(n, out);
      for (const [k, v] of flattened(n, doc)) setKey(out, keyString(convert(k)), convert(v));
      return out;
    }
    return null;
  };
  return convert(node);
}

/** A mapping's entries after PyYAML's flatten_mapping: merged entries first, then its own. */
function flattened(map: { items: { key: unknown; value: unknown }[] }, doc: Document | undefined, depth = 0): [unknown, unknown][] {
  const merged: [unknown, unknown][] = [];
  const own: [unknown, unknown][] = [];
  const entriesOf = (m: unknown): [unknown, unknown][] | undefined => (isMap(m) && depth < 64 ? flattened(m, doc, depth + 1) : undefined);
  for (const pair of map.items) {
    if (!isMergeKey(pair.key)) {
      own.push([pair.key, pair.value]);
      continue;
    }
    const v = doc ? resolved(doc, pair.value) : pair.value;
    if (isMap(v)) merged.push(...entriesOf(v)!);
    else if (isSeq(v)) {
      const parts = v.items.map((i) => entriesOf(doc ? resolved(doc, i) : i));
      if (parts.every((p) => p)) for (const p of parts.reverse()) merged.push(...p!);
    }
  }
  return merged.length ? [...merged, ...own] : own;
}

function keyString(k: unknown): string {
  if (k === null || k === undefined) return 'null';
  if (typeof k === 'object') return JSON.stringify(k);
  return String(k);
}

function setKey(out: Record<string, unknown>, key: string, value: unknown): void {
  // a key named __proto__ is data, never the object's prototype
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

/** The value of a text as Heat loads it, and everything found on the way. Never throws. */
export function readHeatYaml(text: string): { value: unknown; errors: HeatYamlProblem[]; warnings: HeatYamlProblem[] } {
  const parsed = parseHeatYaml(text);
  return { value: heatValue(parsed.doc.contents, parsed.doc), errors: parsed.errors, warnings: parsed.warnings };
}

/** The value of a file as Heat loads it; a HeatYamlError (file:line:col) where Heat would refuse it. */
export function loadHeatYaml(text: string, file = '<text>'): unknown {
  const { value, errors } = readHeatYaml(text);
  if (errors.length) throw new HeatYamlError(file, errors[0].line, errors[0].col, errors[0].message);
  return value;
}
