/**
 * Renders parsed templates with Jinja2's default Environment semantics: Undefined that prints empty and
 * fails on use, attribute lookup falling back to items, loop-local `set`, includes with the current context.
 * Every output line remembers the file and line that emitted its first character.
 */
import { CallArgs, htmlEscape, namespaceOf, percentFormat, pyLen, pyMethod, sortValues, toFloat, toInt, toJson } from './builtins';
import { TemplateRenderError } from './errors';
import { Args, Expr, KnownNames, Node, ParsedTemplate, Target, parseTemplate } from './parser';
import {
  PyDict,
  PyDictView,
  PyError,
  PyFloat,
  PyFunction,
  PyNamespace,
  PyRange,
  PyTuple,
  PyValue,
  Undefined,
  compare,
  equals,
  isUndefined,
  iterate,
  numeric,
  objectTypeRepr,
  repr,
  str,
  strRepr,
  truthy,
  typeName,
  undefinedError,
} from './values';

export interface SourceLine {
  /** Path of the template (as the loader named it). */
  file: string;
  /** 0-based line. */
  line: number;
}

export interface RenderOutput {
  text: string;
  lines: SourceLine[];
}

/** Finds an included template: `name` as written in `{% include %}`, `from` the file that includes it. */
export type TemplateLoader = (name: string, from: string) => { path: string; source: string } | undefined;

export interface RenderLimits {
  /** Evaluation steps before a render is stopped (guards against runaway loops). */
  maxSteps: number;
  /** Output characters before a render is stopped. */
  maxOutput: number;
  /** Nested includes. */
  maxIncludeDepth: number;
  /** Items a single range() or repetition may produce. */
  maxRange: number;
}

// queens with all 41 of its roles needs under 300,000 steps for its largest file
export const DEFAULT_LIMITS: RenderLimits = { maxSteps: 5_000_000, maxOutput: 256 * 1024 * 1024, maxIncludeDepth: 32, maxRange: 10_000_000 };

class Frame {
  readonly vars = new Map<string, PyValue>();
  constructor(readonly parent?: Frame) {}
  lookup(name: string): PyValue | undefined {
    for (let f: Frame | undefined = this; f; f = f.parent) {
      const v = f.vars.get(name);
      if (v !== undefined) return v;
    }
    return undefined;
  }
}

class LoopInfo {
  constructor(
    readonly index0: number,
    readonly items: PyValue[],
    readonly depth: number,
  ) {}
  attr(name: string, line: number, r: Renderer): PyValue | undefined {
    const n = this.items.length;
    switch (name) {
      case 'index':
        return this.index0 + 1;
      case 'index0':
        return this.index0;
      case 'revindex':
        return n - this.index0;
      case 'revindex0':
        return n - this.index0 - 1;
      case 'first':
        return this.index0 === 0;
      case 'last':
        return this.index0 === n - 1;
      case 'length':
        return n;
      case 'depth':
        return this.depth;
      case 'depth0':
        return this.depth - 1;
      case 'previtem':
        return this.index0 > 0 ? this.items[this.index0 - 1] : new Undefined('there is no previous item');
      case 'nextitem':
        return this.index0 < n - 1 ? this.items[this.index0 + 1] : new Undefined('there is no next item');
      case 'cycle':
        return new PyFunction(
          'cycle',
          (args) => {
            if (args.length === 0) throw new PyError('TypeError', 'no items for cycling given');
            return args[this.index0 % args.length];
          },
          this,
        );
    }
    void line;
    void r;
    return undefined;
  }
}

/** Stops a render that would otherwise not end (or not fit in memory). */
class LimitExceeded extends Error {}

const KNOWN_FILTERS = [
  'abs',
  'attr',
  'batch',
  'capitalize',
  'center',
  'count',
  'd',
  'default',
  'dictsort',
  'e',
  'escape',
  'first',
  'float',
  'forceescape',
  'format',
  'indent',
  'int',
  'items',
  'join',
  'last',
  'length',
  'list',
  'lower',
  'map',
  'max',
  'min',
  'reject',
  'rejectattr',
  'replace',
  'reverse',
  'round',
  'safe',
  'select',
  'selectattr',
  'slice',
  'sort',
  'string',
  'sum',
  'title',
  'tojson',
  'trim',
  'unique',
  'upper',
  'wordcount',
];
const KNOWN_TESTS = [
  'boolean',
  'callable',
  'defined',
  'divisibleby',
  'eq',
  'equalto',
  'escaped',
  'even',
  'false',
  'filter',
  'float',
  'ge',
  'gt',
  'greaterthan',
  'in',
  'integer',
  'iterable',
  'le',
  'lessthan',
  'lower',
  'lt',
  'mapping',
  'ne',
  'none',
  'number',
  'odd',
  'sameas',
  'sequence',
  'string',
  'test',
  'true',
  'undefined',
  'upper',
  '==',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
];
export const KNOWN: KnownNames = { filters: new Set(KNOWN_FILTERS), tests: new Set(KNOWN_TESTS) };

/** Parsed templates by path and source text, so includes and repeated renders parse once. */
export class TemplateCache {
  private readonly byPath = new Map<string, { source: string; parsed: ParsedTemplate | TemplateRenderError }>();
  get(path: string, source: string): ParsedTemplate {
    let t = this.byPath.get(path);
    if (!t || t.source !== source) {
      let parsed: ParsedTemplate | TemplateRenderError;
      try {
        parsed = parseTemplate(source, path, KNOWN);
      } catch (e) {
        if (!(e instanceof TemplateRenderError)) throw e;
        parsed = e;
      }
      t = { source, parsed };
      this.byPath.set(path, t);
    }
    if (t.parsed instanceof TemplateRenderError) throw t.parsed;
    return t.parsed;
  }
}

export interface RenderOptions {
  loader?: TemplateLoader;
  cache?: TemplateCache;
  limits?: Partial<RenderLimits>;
}

/** Renders `source` (the file `path`) with `context` as Jinja2's `Template.render(**context)`. */
export function renderTemplate(path: string, source: string, context: Record<string, PyValue>, opts: RenderOptions = {}): RenderOutput {
  const cache = opts.cache ?? new TemplateCache();
  const template = cache.get(path, source);
  const r = new Renderer(opts.loader, cache, { ...DEFAULT_LIMITS, ...opts.limits }, path);
  const root = new Frame();
  for (const [k, v] of Object.entries(context)) root.vars.set(k, v);
  r.run(template, new Frame(root));
  return r.finish(path);
}

class Renderer {
  private readonly parts: string[] = [];
  private readonly lines: SourceLine[] = [];
  private atLineStart = true;
  private lastNewline: SourceLine | undefined;
  private outLength = 0;
  private steps = 0;
  private readonly includeStack: string[] = [];
  private file = '';
  private line = 0;

  constructor(
    private readonly loader: TemplateLoader | undefined,
    private readonly cache: TemplateCache,
    private readonly limits: RenderLimits,
    private readonly top: string,
  ) {}

  run(t: ParsedTemplate, frame: Frame): void {
    this.includeStack.push(t.file);
    const saved = this.file;
    this.file = t.file;
    try {
      this.nodes(t.body, frame);
    } catch (e) {
      throw this.located(e);
    } finally {
      this.file = saved;
      this.includeStack.pop();
    }
  }

  finish(path: string): RenderOutput {
    const text = this.parts.join('');
    if (this.atLineStart) this.lines.push(this.lastNewline ?? { file: path, line: 0 });
    return { text, lines: this.lines };
  }

  private located(e: unknown): unknown {
    if (e instanceof TemplateRenderError) return e;
    if (e instanceof PyError) return new TemplateRenderError(this.file, this.line + 1, e.pyType === 'UndefinedError' ? e.message : `${e.pyType}: ${e.message}`);
    if (e instanceof LimitExceeded) return new TemplateRenderError(this.file, this.line + 1, e.message);
    if (e instanceof RangeError) return new TemplateRenderError(this.file, this.line + 1, `rendering stopped: ${e.message}`);
    return e;
  }

  private tick(): void {
    if (++this.steps > this.limits.maxSteps) throw new LimitExceeded(`rendering stopped after ${this.limits.maxSteps} steps (a loop that does not end?)`);
  }

  /** Appends output emitted by source line `line` (text data advances the line at each newline). */
  private emit(s: string, line: number, advances: boolean): void {
    if (s.length === 0) return;
    this.outLength += s.length;
    if (this.outLength > this.limits.maxOutput) throw new LimitExceeded(`rendered output exceeds ${this.limits.maxOutput} characters`);
    const file = this.file;
    if (this.atLineStart) {
      this.lines.push({ file, line });
      this.atLineStart = false;
    }
    let l = line;
    for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) {
      this.lastNewline = { file, line: l };
      if (advances) l++;
      if (i + 1 < s.length) this.lines.push({ file, line: l });
      else this.atLineStart = true;
    }
    this.parts.push(s);
  }

  private nodes(body: Node[], frame: Frame): void {
    for (const n of body) {
      this.tick();
      this.line = n.line;
      switch (n.k) {
        case 'text':
          this.emit(n.text, n.line, true);
          break;
        case 'print': {
          const v = this.expr(n.expr, frame);
          this.line = n.line;
          this.emit(str(v), n.line, false);
          break;
        }
        case 'if': {
          let done = false;
          for (const b of n.branches) {
            this.line = b.test.line;
            if (truthy(this.expr(b.test, frame))) {
              this.nodes(b.body, frame);
              done = true;
              break;
            }
          }
          if (!done) this.nodes(n.else, frame);
          break;
        }
        case 'for':
          this.forLoop(n, frame);
          break;
        case 'set':
          this.assign(n.target, this.expr(n.expr, frame), frame);
          break;
        case 'setblock': {
          const captured = this.capture(() => this.nodes(n.body, new Frame(frame)));
          let v: PyValue = captured;
          for (const f of n.filters) v = this.filter(f.name, v, this.args(f.args, frame), f.line);
          this.assign(n.target, v, frame);
          break;
        }
        case 'include':
          this.include(n, frame);
          break;
        case 'with': {
          const inner = new Frame(frame);
          for (const [t, e] of n.targets) this.assign(t, this.expr(e, frame), inner);
          this.nodes(n.body, inner);
          break;
        }
      }
    }
  }

  /** Output of `f` as a string, kept out of the rendered text (a block `set`). */
  private capture(f: () => void): string {
    const start = this.parts.length;
    const state = { atLineStart: this.atLineStart, lines: this.lines.length, lastNewline: this.lastNewline, outLength: this.outLength };
    f();
    const text = this.parts.splice(start).join('');
    this.lines.length = state.lines;
    this.atLineStart = state.atLineStart;
    this.lastNewline = state.lastNewline;
    this.outLength = state.outLength;
    return text;
  }

  private forLoop(n: Extract<Node, { k: 'for' }>, frame: Frame): void {
    const iterable = this.expr(n.iter, frame);
    this.line = n.line;
    if (iterable instanceof PyRange && iterable.length > this.limits.maxRange)
      throw new LimitExceeded(`range() of ${iterable.length} items is beyond this renderer's limit of ${this.limits.maxRange}`);
    let items = iterate(iterable);
    if (Array.isArray(iterable)) items = items.slice();
    if (n.filter) {
      const filter = n.filter;
      items = items.filter((item) => {
        this.tick();
        const f = new Frame(frame);
        this.assign(n.target, item, f);
        return truthy(this.expr(filter, f));
      });
    }
    if (items.length === 0) {
      this.nodes(n.else, new Frame(frame));
      return;
    }
    {
      for (let i = 0; i < items.length; i++) {
        this.tick();
        const f = new Frame(frame);
        this.assign(n.target, items[i], f);
        // depth counts recursive loop calls, not nesting: always 1 without `recursive`
        f.vars.set('loop', new LoopInfo(i, items, 1));
        this.nodes(n.body, f);
      }
    }
  }

  private assign(t: Target, v: PyValue, frame: Frame): void {
    if (t.k === 'name') {
      frame.vars.set(t.name, v);
      return;
    }
    if (t.k === 'attr') {
      const ns = frame.lookup(t.obj);
      if (!(ns instanceof PyNamespace)) throw new PyError('TemplateRuntimeError', 'cannot assign attribute on non-namespace object');
      ns.attrs.set(t.attr, v);
      return;
    }
    if (numeric(v) !== undefined || v === null) throw new PyError('TypeError', `cannot unpack non-iterable ${typeName(v)} object`);
    const items = iterate(v);
    if (items.length !== t.items.length) {
      throw new PyError(
        'ValueError',
        items.length > t.items.length
          ? `too many values to unpack (expected ${t.items.length})`
          : `not enough values to unpack (expected ${t.items.length}, got ${items.length})`,
      );
    }
    t.items.forEach((sub, i) => this.assign(sub, items[i], frame));
  }

  private include(n: Extract<Node, { k: 'include' }>, frame: Frame): void {
    const spec = this.expr(n.template, frame);
    const names = Array.isArray(spec) ? spec : spec instanceof PyTuple ? spec.items : [spec];
    for (const name of names) {
      if (typeof name !== 'string') throw new PyError('TypeError', `include expects a template name, got ${typeName(name)}`);
      const found = this.loader?.(name, this.top);
      if (!found) continue;
      if (this.includeStack.includes(found.path)) throw new LimitExceeded(`include cycle: ${[...this.includeStack, found.path].join(' -> ')}`);
      if (this.includeStack.length > this.limits.maxIncludeDepth) throw new LimitExceeded(`includes nested deeper than ${this.limits.maxIncludeDepth}`);
      const t = this.cache.get(found.path, found.source);
      const savedLine = this.line;
      this.run(t, new Frame(n.withContext ? frame : undefined));
      this.line = savedLine;
      return;
    }
    if (n.ignoreMissing) return;
    throw new PyError(
      'TemplateNotFound',
      names.length === 1 ? `template not found: ${str(names[0])}` : `none of the templates given were found: ${names.map(str).join(', ')}`,
    );
  }

  // ---- expressions -------------------------------------------------------------------------------

  private expr(e: Expr, frame: Frame): PyValue {
    this.tick();
    switch (e.k) {
      case 'const': {
        const v = e.value as PyValue;
        if (v !== null && typeof v === 'object' && 'float' in (v as object)) return new PyFloat((v as { float: number }).float);
        return v;
      }
      case 'name': {
        const v = frame.lookup(e.name);
        if (v !== undefined) return v;
        const g = GLOBALS[e.name];
        if (g) return g;
        return new Undefined(`'${e.name}' is undefined`);
      }
      case 'list':
        return e.items.map((x) => this.expr(x, frame));
      case 'tuple':
        return new PyTuple(e.items.map((x) => this.expr(x, frame)));
      case 'dict': {
        const d = new PyDict();
        for (const [k, v] of e.items) d.set(this.expr(k, frame), this.expr(v, frame));
        return d;
      }
      case 'getattr': {
        const obj = this.expr(e.obj, frame);
        this.line = e.line;
        return this.getattr(obj, e.attr);
      }
      case 'getitem': {
        const obj = this.expr(e.obj, frame);
        const key = this.expr(e.key, frame);
        this.line = e.line;
        return this.getitem(obj, key);
      }
      case 'slice':
        return this.slice(e, frame);
      case 'call': {
        const fn = this.expr(e.fn, frame);
        const args = this.args(e.args, frame);
        this.line = e.line;
        return this.call(fn, args.pos, args.kw);
      }
      case 'filter': {
        const v = this.expr(e.expr, frame);
        const args = this.args(e.args, frame);
        this.line = e.line;
        return this.filter(e.name, v, args, e.line);
      }
      case 'test': {
        const v = this.expr(e.expr, frame);
        const args = this.args(e.args, frame);
        this.line = e.line;
        const r = this.test(e.name, v, args);
        return e.negate ? !r : r;
      }
      case 'unary': {
        const v = this.expr(e.expr, frame);
        this.line = e.line;
        if (e.op === 'not') return !truthy(v);
        if (isUndefined(v)) throw undefinedError(v);
        const n = numeric(v);
        if (n === undefined) throw new PyError('TypeError', `bad operand type for unary ${e.op}: '${typeName(v)}'`);
        const r = e.op === '-' ? -n : n;
        return v instanceof PyFloat ? new PyFloat(r) : r === 0 ? 0 : r;
      }
      case 'binary': {
        const a = this.expr(e.left, frame);
        const b = this.expr(e.right, frame);
        this.line = e.line;
        return this.binary(e.op, a, b);
      }
      case 'and': {
        const a = this.expr(e.left, frame);
        return truthy(a) ? this.expr(e.right, frame) : a;
      }
      case 'or': {
        const a = this.expr(e.left, frame);
        return truthy(a) ? a : this.expr(e.right, frame);
      }
      case 'compare': {
        let a = this.expr(e.first, frame);
        for (const { op, expr } of e.ops) {
          const b = this.expr(expr, frame);
          this.line = e.line;
          if (!this.compareOp(op, a, b)) return false;
          a = b;
        }
        return true;
      }
      case 'concat':
        return e.items.map((x) => str(this.expr(x, frame))).join('');
      case 'cond':
        if (truthy(this.expr(e.test, frame))) return this.expr(e.then, frame);
        return e.else
          ? this.expr(e.else, frame)
          : new Undefined('the inline if-expression on line ' + (e.line + 1) + ' evaluated to false and no else section was defined.');
    }
  }

  private args(a: Args, frame: Frame): { pos: PyValue[]; kw: PyDict | undefined } {
    const pos = a.pos.map((x) => this.expr(x, frame));
    if (a.star) pos.push(...iterate(this.expr(a.star, frame)));
    let kw: PyDict | undefined;
    if (a.kw.length || a.starstar) {
      kw = new PyDict();
      for (const [k, x] of a.kw) kw.set(k, this.expr(x, frame));
      if (a.starstar) {
        const d = this.expr(a.starstar, frame);
        if (!(d instanceof PyDict)) throw new PyError('TypeError', `argument after ** must be a mapping, not ${typeName(d)}`);
        for (const [k, x] of d.entries()) kw.set(k, x);
      }
    }
    return { pos, kw };
  }

  private readonly boundGetattr = (o: PyValue, n: string): PyValue => this.getattr(o, n);

  /** Jinja2's `environment.getattr`: the Python attribute first, then the item of that name. */
  getattr(obj: PyValue, name: string): PyValue {
    if (isUndefined(obj)) throw undefinedError(obj);
    const m = pyMethod(obj, name, this.boundGetattr);
    if (m) return m;
    if (obj instanceof PyDict) {
      const v = obj.get(name);
      if (v !== undefined) return v;
    } else if (obj instanceof LoopInfo) {
      const v = obj.attr(name, this.line, this);
      if (v !== undefined) return v;
    } else if (obj instanceof PyNamespace) {
      const v = obj.attrs.get(name);
      if (v !== undefined) return v;
    } else if (obj instanceof PyRange && (name === 'start' || name === 'stop' || name === 'step')) {
      return obj[name];
    }
    return new Undefined(`${strRepr(objectTypeRepr(obj))} has no attribute ${strRepr(name)}`);
  }

  /** Jinja2's `environment.getitem`: the item first, then an attribute of that name. */
  getitem(obj: PyValue, key: PyValue): PyValue {
    if (isUndefined(obj)) throw undefinedError(obj);
    if (obj instanceof PyDict) {
      const v = obj.get(key);
      if (v !== undefined) return v;
    } else if (Array.isArray(obj) || obj instanceof PyTuple || typeof obj === 'string') {
      const n = typeof key === 'number' || typeof key === 'boolean' ? Number(key) : undefined;
      if (n !== undefined) {
        const seq = typeof obj === 'string' ? Array.from(obj) : Array.isArray(obj) ? obj : obj.items;
        const i = n < 0 ? seq.length + n : n;
        if (i >= 0 && i < seq.length) return seq[i];
      }
    } else if (obj instanceof PyRange && typeof key === 'number') {
      const i = key < 0 ? obj.length + key : key;
      if (i >= 0 && i < obj.length) return obj.start + i * obj.step;
    }
    if (typeof key === 'string') {
      const v = this.getattr(obj, key);
      if (!isUndefined(v)) return v;
      return new Undefined(`${strRepr(objectTypeRepr(obj))} has no attribute ${strRepr(key)}`);
    }
    return new Undefined(`${strRepr(objectTypeRepr(obj))} has no element ${repr(key)}`);
  }

  private slice(e: Extract<Expr, { k: 'slice' }>, frame: Frame): PyValue {
    const obj = this.expr(e.obj, frame);
    const part = (x: Expr | undefined): number | null => {
      if (!x) return null;
      const v = this.expr(x, frame);
      if (v === null) return null;
      const n = numeric(v);
      if (n === undefined || v instanceof PyFloat) throw new PyError('TypeError', 'slice indices must be integers or None');
      return n;
    };
    const start = part(e.start);
    const stop = part(e.stop);
    const step = part(e.step) ?? 1;
    this.line = e.line;
    if (isUndefined(obj)) throw undefinedError(obj);
    if (step === 0) throw new PyError('ValueError', 'slice step cannot be zero');
    const seq =
      typeof obj === 'string'
        ? Array.from(obj)
        : Array.isArray(obj)
          ? obj
          : obj instanceof PyTuple
            ? obj.items
            : obj instanceof PyRange
              ? obj.toArray()
              : undefined;
    if (!seq) return new Undefined(`${strRepr(objectTypeRepr(obj))} has no element slice`);
    const len = seq.length;
    const norm = (v: number | null, dflt: number, lo: number, hi: number) => {
      if (v === null) return dflt;
      const x = v < 0 ? v + len : v;
      return Math.min(Math.max(x, lo), hi);
    };
    const out: PyValue[] = [];
    if (step > 0) {
      const a = norm(start, 0, 0, len);
      const b = norm(stop, len, 0, len);
      for (let i = a; i < b; i += step) out.push(seq[i]);
    } else {
      const a = norm(start, len - 1, -1, len - 1);
      const b = norm(stop, -1, -1, len - 1);
      for (let i = a; i > b; i += step) out.push(seq[i]);
    }
    if (typeof obj === 'string') return out.join('');
    return obj instanceof PyTuple ? new PyTuple(out) : out;
  }

  private call(fn: PyValue, pos: PyValue[], kw: PyDict | undefined): PyValue {
    if (isUndefined(fn)) throw undefinedError(fn);
    if (fn instanceof PyFunction) {
      const r = fn.call(pos, kw);
      if (r instanceof PyRange && r.length > this.limits.maxRange)
        throw new LimitExceeded(`range() of ${r.length} items is beyond this renderer's limit of ${this.limits.maxRange}`);
      return r;
    }
    throw new PyError('TypeError', `'${typeName(fn)}' object is not callable`);
  }

  private binary(op: string, a: PyValue, b: PyValue): PyValue {
    if (isUndefined(a)) throw undefinedError(a);
    if (isUndefined(b)) throw undefinedError(b);
    const na = numeric(a);
    const nb = numeric(b);
    if (na !== undefined && nb !== undefined) {
      const float = a instanceof PyFloat || b instanceof PyFloat;
      const wrap = (x: number) => (float ? new PyFloat(x) : x === 0 ? 0 : x);
      switch (op) {
        case '+':
          return wrap(na + nb);
        case '-':
          return wrap(na - nb);
        case '*':
          return wrap(na * nb);
        case '/':
          if (nb === 0) throw new PyError('ZeroDivisionError', 'division by zero');
          return new PyFloat(na / nb);
        case '//':
          if (nb === 0) throw new PyError('ZeroDivisionError', 'integer division or modulo by zero');
          return wrap(Math.floor(na / nb));
        case '%': {
          if (nb === 0) throw new PyError('ZeroDivisionError', 'integer division or modulo by zero');
          const m = na % nb;
          return wrap(m !== 0 && m < 0 !== nb < 0 ? m + nb : m);
        }
        case '**':
          if (!float && nb < 0) return new PyFloat(na ** nb);
          return wrap(na ** nb);
      }
    }
    if (op === '+') {
      if (typeof a === 'string' && typeof b === 'string') return this.checkSize(a + b);
      if (Array.isArray(a) && Array.isArray(b)) return a.concat(b);
      if (a instanceof PyTuple && b instanceof PyTuple) return new PyTuple(a.items.concat(b.items));
    }
    if (op === '*') {
      const [seq, n] = na !== undefined ? [b, na] : [a, nb];
      if (n !== undefined && !(a instanceof PyFloat) && !(b instanceof PyFloat)) {
        if (typeof seq === 'string') {
          if (seq.length * n > this.limits.maxOutput) throw new LimitExceeded('string repetition beyond the output limit');
          return n > 0 ? seq.repeat(n) : '';
        }
        if (Array.isArray(seq) || seq instanceof PyTuple) {
          const items = Array.isArray(seq) ? seq : seq.items;
          if (items.length * n > this.limits.maxRange) throw new LimitExceeded('list repetition beyond the renderer limit');
          const out: PyValue[] = [];
          for (let i = 0; i < n; i++) out.push(...items);
          return Array.isArray(seq) ? out : new PyTuple(out);
        }
      }
    }
    if (op === '%' && typeof a === 'string') return percentFormat(a, b);
    if (op === '+' && (typeof a === 'string' || Array.isArray(a) || a instanceof PyTuple)) {
      throw new PyError('TypeError', `can only concatenate ${typeName(a)} (not "${typeName(b)}") to ${typeName(a)}`);
    }
    throw new PyError('TypeError', `unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`);
  }

  private checkSize(s: string): string {
    if (s.length > this.limits.maxOutput) throw new LimitExceeded('string beyond the output limit');
    return s;
  }

  private compareOp(op: string, a: PyValue, b: PyValue): boolean {
    switch (op) {
      case '==':
        return equals(a, b);
      case '!=':
        return !equals(a, b);
      case 'in':
        return contains(b, a);
      case 'notin':
        return !contains(b, a);
      case '<':
        return compare(a, b, op) < 0;
      case '<=':
        return compare(a, b, op) <= 0;
      case '>':
        return compare(a, b, op) > 0;
      case '>=':
        return compare(a, b, op) >= 0;
    }
    throw new PyError('TypeError', `unknown operator ${op}`);
  }

  // ---- filters and tests -------------------------------------------------------------------------

  private attrGetter(attribute: PyValue): (v: PyValue) => PyValue {
    const parts = typeof attribute === 'string' ? attribute.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)) : [attribute];
    return (v) => {
      let x = v;
      for (const p of parts) x = this.getitem(x, p);
      return x;
    };
  }

  private selectOrReject(v: PyValue, a: CallArgs, select: boolean, byAttr: boolean): PyValue[] {
    let get = (x: PyValue) => x;
    let i = 0;
    if (byAttr) get = this.attrGetter(a.arg(i++, 'attribute'));
    let check: (x: PyValue) => boolean = truthy;
    if (a.pos.length > i) {
      const name = a.pos[i];
      const rest = a.pos.slice(i + 1);
      if (typeof name !== 'string' || !KNOWN.tests.has(name)) throw new PyError('TemplateRuntimeError', `No test named ${repr(name)}.`);
      check = (x) => this.test(name, x, { pos: rest, kw: a.kw });
    }
    return iterate(v).filter((x) => check(get(x)) === select);
  }

  private filter(name: string, v: PyValue, raw: { pos: PyValue[]; kw: PyDict | undefined }, line: number): PyValue {
    const a = new CallArgs(raw.pos, raw.kw, name);
    this.line = line;
    switch (name) {
      case 'default':
      case 'd': {
        const dflt = a.arg(0, 'default_value', '');
        const boolean = truthy(a.arg(1, 'boolean', false));
        return isUndefined(v) || (boolean && !truthy(v)) ? dflt : v;
      }
      case 'lower':
        return str(v).toLowerCase();
      case 'upper':
        return str(v).toUpperCase();
      case 'capitalize': {
        const s = str(v);
        return s ? s[0].toUpperCase() + s.slice(1).toLowerCase() : s;
      }
      case 'title':
        // Jinja2's do_title: words begin after -, whitespace, (, {, [ or <
        return str(v)
          .split(/([-\s({[<]+)/u)
          .map((w) => (w ? w[0].toUpperCase() + w.slice(1).toLowerCase() : w))
          .join('');
      case 'trim': {
        const chars = a.arg(0, 'chars', null);
        const s = str(v);
        if (chars === null) return s.trim();
        const set = new Set(Array.from(str(chars)));
        const cs = Array.from(s);
        let i = 0;
        let j = cs.length;
        while (i < j && set.has(cs[i])) i++;
        while (j > i && set.has(cs[j - 1])) j--;
        return cs.slice(i, j).join('');
      }
      case 'replace': {
        const m = pyMethod(str(v), 'replace', this.boundGetattr)!;
        return m.call([str(a.arg(0, 'old')), str(a.arg(1, 'new')), ...(a.has(2, 'count') ? [a.arg(2, 'count')] : [])], undefined);
      }
      case 'string':
        return str(v);
      case 'e':
      case 'escape':
      case 'forceescape':
        return htmlEscape(str(v));
      case 'safe':
        return v;
      case 'length':
      case 'count':
        return pyLen(v);
      case 'list':
        return iterate(v).slice();
      case 'first': {
        const items = iterate(v);
        return items.length ? items[0] : new Undefined('No first item, sequence was empty.');
      }
      case 'last': {
        const items = iterate(v);
        return items.length ? items[items.length - 1] : new Undefined('No last item, sequence was empty.');
      }
      case 'join': {
        const d = str(a.arg(0, 'd', ''));
        let items = iterate(v);
        if (a.has(1, 'attribute')) items = items.map(this.attrGetter(a.arg(1, 'attribute')));
        return items.map(str).join(d);
      }
      case 'int':
        return toInt(v, a.arg(0, 'default', 0), needBase(a.arg(1, 'base', 10)));
      case 'float':
        return toFloat(v, a.arg(0, 'default', new PyFloat(0)));
      case 'abs': {
        const n = numeric(v);
        if (n === undefined) throw new PyError('TypeError', `bad operand type for abs(): '${typeName(v)}'`);
        return v instanceof PyFloat ? new PyFloat(Math.abs(n)) : Math.abs(n);
      }
      case 'round': {
        const n = numeric(v);
        if (n === undefined) throw new PyError('TypeError', `type ${typeName(v)} doesn't define __round__ method`);
        const precision = Number(a.arg(0, 'precision', 0));
        const method = str(a.arg(1, 'method', 'common'));
        const f = 10 ** precision;
        const x = n * f;
        const r = method === 'ceil' ? Math.ceil(x) : method === 'floor' ? Math.floor(x) : Math.sign(x) * Math.round(Math.abs(x));
        return new PyFloat(r / f);
      }
      case 'select':
      case 'reject':
        return this.selectOrReject(v, a, name === 'select', false);
      case 'selectattr':
      case 'rejectattr':
        return this.selectOrReject(v, a, name === 'selectattr', true);
      case 'map': {
        const items = iterate(v);
        if (a.kw?.has('attribute')) {
          const get = this.attrGetter(a.kw.get('attribute')!);
          const dflt = a.kw.get('default');
          return items.map((x) => {
            const r = get(x);
            return isUndefined(r) && dflt !== undefined ? dflt : r;
          });
        }
        const fname = a.arg(0, 'name');
        if (typeof fname !== 'string' || !KNOWN.filters.has(fname)) throw new PyError('TemplateRuntimeError', `No filter named ${repr(fname)}.`);
        const rest = { pos: a.pos.slice(1), kw: a.kw };
        return items.map((x) => this.filter(fname, x, rest, line));
      }
      case 'unique': {
        const out: PyValue[] = [];
        const cs = !truthy(a.arg(0, 'case_sensitive', false));
        const get = a.has(1, 'attribute') ? this.attrGetter(a.arg(1, 'attribute')) : (x: PyValue) => x;
        const seen: PyValue[] = [];
        for (const x of iterate(v)) {
          let k = get(x);
          if (cs && typeof k === 'string') k = k.toLowerCase();
          if (!seen.some((s) => equals(s, k))) {
            seen.push(k);
            out.push(x);
          }
        }
        return out;
      }
      case 'sort': {
        const get = a.has(2, 'attribute') ? this.attrGetter(a.arg(2, 'attribute')) : undefined;
        return sortValues(iterate(v), truthy(a.arg(0, 'reverse', false)), truthy(a.arg(1, 'case_sensitive', false)), get);
      }
      case 'dictsort': {
        if (!(v instanceof PyDict)) throw new PyError('FilterArgumentError', 'dictsort expects a mapping');
        const byValue = str(a.arg(1, 'by', 'key')) === 'value';
        const pairs = v.entries().map(([k, x]) => new PyTuple([k, x]));
        return sortValues(pairs, truthy(a.arg(2, 'reverse', false)), truthy(a.arg(0, 'case_sensitive', false)), (p) => (p as PyTuple).items[byValue ? 1 : 0]);
      }
      case 'items':
        if (isUndefined(v)) return [];
        if (!(v instanceof PyDict)) throw new PyError('TypeError', 'Can only get item pairs from a mapping.');
        return v.entries().map(([k, x]) => new PyTuple([k, x]));
      case 'reverse':
        if (typeof v === 'string') return Array.from(v).reverse().join('');
        return iterate(v).slice().reverse();
      case 'sum': {
        const get = a.has(0, 'attribute') ? this.attrGetter(a.arg(0, 'attribute')) : (x: PyValue) => x;
        return iterate(v).reduce((acc: PyValue, x) => this.binary('+', acc, get(x)), a.arg(1, 'start', 0));
      }
      case 'min':
      case 'max': {
        const items = iterate(v);
        if (items.length === 0) return new Undefined(`No aggregated item, sequence was empty.`);
        const get = a.has(1, 'attribute') ? this.attrGetter(a.arg(1, 'attribute')) : undefined;
        const sorted = sortValues(items, false, truthy(a.arg(0, 'case_sensitive', false)), get);
        return name === 'min' ? sorted[0] : sorted[sorted.length - 1];
      }
      case 'attr':
        return this.getattr(v, str(a.arg(0, 'name')));
      case 'tojson':
        return toJson(v, a.arg(0, 'indent', null));
      case 'indent': {
        const width = a.arg(0, 'width', 4);
        const ind = typeof width === 'string' ? width : ' '.repeat(Number(width));
        const first = truthy(a.arg(1, 'first', false));
        const blank = truthy(a.arg(2, 'blank', false));
        let s = str(v) + '\n';
        const lines = s.split('\n');
        lines.pop();
        s = lines.map((l, i) => (i === 0 ? (first ? ind + l : l) : blank || l ? ind + l : l)).join('\n');
        return s;
      }
      case 'center': {
        const s = str(v);
        const w = Number(a.arg(0, 'width', 80));
        if (s.length >= w) return s;
        const total = w - s.length;
        const left = Math.floor(total / 2) + (total & w & 1);
        return ' '.repeat(left) + s + ' '.repeat(total - left);
      }
      case 'format':
        return percentFormat(str(v), a.kw ? a.kw : a.pos.length === 1 ? a.pos[0] : new PyTuple(a.pos));
      case 'wordcount':
        return (str(v).match(/\w+/gu) ?? []).length;
      case 'batch':
      case 'slice': {
        const items = iterate(v);
        const n = Number(a.arg(0, name === 'batch' ? 'linecount' : 'slices'));
        const fill = a.arg(1, 'fill_with', null);
        const out: PyValue[][] = [];
        if (name === 'batch') {
          for (let i = 0; i < items.length; i += n) out.push(items.slice(i, i + n));
          if (fill !== null && out.length && out[out.length - 1].length < n) while (out[out.length - 1].length < n) out[out.length - 1].push(fill);
        } else {
          const per = Math.floor(items.length / n);
          const extra = items.length % n;
          let offset = 0;
          for (let i = 0; i < n; i++) {
            const start = offset + i * per;
            if (i < extra) offset++;
            const end = offset + (i + 1) * per;
            const part = items.slice(start, end);
            if (fill !== null && i >= extra) part.push(fill);
            out.push(part);
          }
        }
        return out;
      }
    }
    throw new PyError('TemplateRuntimeError', `filter '${name}' is not supported`);
  }

  private test(name: string, v: PyValue, raw: { pos: PyValue[]; kw: PyDict | undefined }): boolean {
    const a = new CallArgs(raw.pos, raw.kw, name);
    switch (name) {
      case 'defined':
        return !isUndefined(v);
      case 'undefined':
        return isUndefined(v);
      case 'none':
        return v === null;
      case 'boolean':
        return typeof v === 'boolean';
      case 'true':
        return v === true;
      case 'false':
        return v === false;
      case 'integer':
        return typeof v === 'number';
      case 'float':
        return v instanceof PyFloat;
      case 'number':
        return numeric(v) !== undefined;
      case 'string':
        return typeof v === 'string';
      case 'mapping':
        return v instanceof PyDict;
      case 'sequence':
        return typeof v === 'string' || Array.isArray(v) || v instanceof PyTuple || v instanceof PyDict || v instanceof PyRange || v instanceof Undefined;
      case 'iterable':
        return (
          typeof v === 'string' ||
          Array.isArray(v) ||
          v instanceof PyTuple ||
          v instanceof PyDict ||
          v instanceof PyRange ||
          v instanceof PyDictView ||
          v instanceof Undefined
        );
      case 'callable':
        return v instanceof PyFunction;
      case 'sameas':
        return v === a.arg(0, 'other') || (v === null && a.arg(0, 'other') === null);
      case 'escaped':
        return false;
      case 'odd':
      case 'even': {
        const n = numeric(v);
        if (n === undefined) throw new PyError('TypeError', `not all arguments converted during string formatting`);
        return Math.abs(n % 2) === (name === 'odd' ? 1 : 0);
      }
      case 'divisibleby': {
        const n = numeric(v);
        const d = numeric(a.arg(0, 'num'));
        if (n === undefined || d === undefined) throw new PyError('TypeError', 'unsupported operand for %');
        if (d === 0) throw new PyError('ZeroDivisionError', 'integer division or modulo by zero');
        return n % d === 0;
      }
      case 'lower':
        return typeof v === 'string' ? v === v.toLowerCase() && /\p{Ll}/u.test(v) : false;
      case 'upper':
        return typeof v === 'string' ? v === v.toUpperCase() && /\p{Lu}/u.test(v) : false;
      case 'in':
        return contains(a.arg(0, 'seq'), v);
      case 'eq':
      case 'equalto':
      case '==':
        return equals(v, a.arg(0, 'other'));
      case 'ne':
      case '!=':
        return !equals(v, a.arg(0, 'other'));
      case 'lt':
      case 'lessthan':
      case '<':
        return compare(v, a.arg(0, 'other'), '<') < 0;
      case 'le':
      case '<=':
        return compare(v, a.arg(0, 'other'), '<=') <= 0;
      case 'gt':
      case 'greaterthan':
      case '>':
        return compare(v, a.arg(0, 'other'), '>') > 0;
      case 'ge':
      case '>=':
        return compare(v, a.arg(0, 'other'), '>=') >= 0;
      case 'filter':
        return typeof v === 'string' && KNOWN.filters.has(v);
      case 'test':
        return typeof v === 'string' && KNOWN.tests.has(v);
    }
    throw new PyError('TemplateRuntimeError', `test '${name}' is not supported`);
  }
}

function needBase(v: PyValue): number {
  const n = numeric(v);
  if (n === undefined || ![2, 8, 10, 16].includes(n)) throw new PyError('ValueError', `int base ${repr(v)} is not supported`);
  return n;
}

/** Python's `needle in haystack`. */
export function contains(haystack: PyValue, needle: PyValue): boolean {
  if (typeof haystack === 'string') {
    if (typeof needle !== 'string') {
      if (isUndefined(needle)) throw undefinedError(needle);
      throw new PyError('TypeError', `'in <string>' requires string as left operand, not ${typeName(needle)}`);
    }
    return haystack.includes(needle);
  }
  if (haystack instanceof PyDict) return haystack.has(needle);
  if (haystack instanceof PyDictView && haystack.kind === 'dict_keys') return haystack.dict.has(needle);
  if (haystack === null || typeof haystack === 'number' || typeof haystack === 'boolean' || haystack instanceof PyFloat) {
    throw new PyError('TypeError', `argument of type '${typeName(haystack)}' is not iterable`);
  }
  return iterate(haystack).some((x) => equals(x, needle));
}

function rangeOf(pos: PyValue[]): PyRange {
  const ints = pos.map((p) => {
    if (typeof p === 'number' || typeof p === 'boolean') return Number(p);
    if (isUndefined(p)) throw undefinedError(p);
    throw new PyError('TypeError', `'${typeName(p)}' object cannot be interpreted as an integer`);
  });
  if (ints.length === 1) return new PyRange(0, ints[0], 1);
  if (ints.length === 2) return new PyRange(ints[0], ints[1], 1);
  if (ints.length === 3) {
    if (ints[2] === 0) throw new PyError('ValueError', 'range() arg 3 must not be zero');
    return new PyRange(ints[0], ints[1], ints[2]);
  }
  throw new PyError('TypeError', `range expected at most 3 arguments, got ${ints.length}`);
}

/** Jinja2's default globals (range, dict, namespace, cycler-less). */
const GLOBALS: Record<string, PyValue> = {
  range: new PyFunction('range', (pos) => rangeOf(pos)),
  dict: new PyFunction('dict', (pos, kw) => {
    const d = pos.length && pos[0] instanceof PyDict ? (pos[0] as PyDict).copy() : new PyDict();
    if (kw) for (const [k, v] of kw.entries()) d.set(k, v);
    return d;
  }),
  namespace: new PyFunction('namespace', (pos, kw) => namespaceOf(pos, kw)),
};
