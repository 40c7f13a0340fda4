/**
 * The Python methods, Jinja2 filters, tests and globals templates call, with the semantics of CPython 3
 * and Jinja2 3 (the versions Debian ships as the oracle).
 */
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
  floatRepr,
  isUndefined,
  iterate,
  numeric,
  objectTypeRepr,
  repr,
  str,
  truthy,
  typeName,
  undefinedError,
} from './values';

/** Arguments of a call, with Python's binding of positional and keyword arguments. */
export class CallArgs {
  constructor(
    readonly pos: PyValue[],
    readonly kw: PyDict | undefined,
    readonly fname: string,
  ) {}
  arg(i: number, name: string, dflt?: PyValue): PyValue {
    if (i < this.pos.length) return this.pos[i];
    const k = this.kw?.get(name);
    if (k !== undefined) return k;
    if (dflt === undefined) throw new PyError('TypeError', `${this.fname}() missing required argument: '${name}'`);
    return dflt;
  }
  has(i: number, name: string): boolean {
    return i < this.pos.length || this.kw?.has(name) === true;
  }
}

export function pyLen(v: PyValue): number {
  if (typeof v === 'string') return Array.from(v).length;
  if (Array.isArray(v)) return v.length;
  if (v instanceof PyTuple) return v.items.length;
  if (v instanceof PyDict) return v.size;
  if (v instanceof PyRange) return v.length;
  if (v instanceof PyDictView) return v.dict.size;
  if (v instanceof Undefined) return 0;
  throw new PyError('TypeError', `object of type '${typeName(v)}' has no len()`);
}

function needStr(v: PyValue, what: string): string {
  if (typeof v !== 'string') throw new PyError('TypeError', `${what} must be str, not ${typeName(v)}`);
  return v;
}

function needInt(v: PyValue, what: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  throw new PyError('TypeError', `'${typeName(v)}' object cannot be interpreted as an integer (${what})`);
}

function pyIndex(len: number, i: number, what: string): number {
  const j = i < 0 ? len + i : i;
  if (j < 0 || j >= len) throw new PyError('IndexError', `${what} index out of range`);
  return j;
}

function stripChars(s: string, chars: PyValue, left: boolean, right: boolean): string {
  if (chars === null || chars === undefined) {
    let r = s;
    if (left) r = r.replace(/^[\s\x1c-\x1f\x85]+/u, '');
    if (right) r = r.replace(/[\s\x1c-\x1f\x85]+$/u, '');
    return r;
  }
  const set = new Set(Array.from(needStr(chars, 'strip arg')));
  const cs = Array.from(s);
  let a = 0;
  let b = cs.length;
  if (left) while (a < b && set.has(cs[a])) a++;
  if (right) while (b > a && set.has(cs[b - 1])) b--;
  return cs.slice(a, b).join('');
}

function pySplit(s: string, sep: PyValue, maxsplit: number, fromRight: boolean): string[] {
  if (sep === null) {
    const words = s.split(/[\s\x1c-\x1f\x85]+/u).filter((w) => w !== '');
    if (maxsplit < 0) return words;
    // keep the remainder's inner whitespace as Python does
    const re = /[\s\x1c-\x1f\x85]+/gu;
    if (!fromRight) {
      const t = s.replace(/^[\s\x1c-\x1f\x85]+/u, '');
      const out: string[] = [];
      let last = 0;
      let m: RegExpExecArray | null;
      while (out.length < maxsplit && (m = re.exec(t))) {
        out.push(t.slice(last, m.index));
        last = m.index + m[0].length;
      }
      out.push(t.slice(last));
      return out;
    }
    const t = s.replace(/[\s\x1c-\x1f\x85]+$/u, '');
    const parts = t.split(/([\s\x1c-\x1f\x85]+)/u);
    const out: string[] = [];
    while (out.length < maxsplit && parts.length > 1) {
      out.unshift(parts.pop()!);
      parts.pop();
    }
    out.unshift(parts.join('').replace(/^[\s\x1c-\x1f\x85]+/u, ''));
    return out;
  }
  const d = needStr(sep, 'separator');
  if (d === '') throw new PyError('ValueError', 'empty separator');
  const all = s.split(d);
  if (maxsplit < 0 || all.length <= maxsplit + 1) return all;
  if (!fromRight) return [...all.slice(0, maxsplit), all.slice(maxsplit).join(d)];
  return [all.slice(0, all.length - maxsplit).join(d), ...all.slice(all.length - maxsplit)];
}

function affix(s: string, a: CallArgs, ends: boolean): boolean {
  const p = a.arg(0, 'prefix');
  const start = a.has(1, 'start') ? needInt(a.arg(1, 'start'), 'start') : 0;
  const t = s.slice(start);
  const cands = p instanceof PyTuple ? p.items : [p];
  return cands.some((c) => (ends ? t.endsWith(needStr(c, 'suffix')) : t.startsWith(needStr(c, 'prefix'))));
}

/** str.format with `{}`, `{0}`, `{name}`, `{name.attr}`-less fields and `{{`/`}}`; conversions `!r`/`!s`. */
function pyFormat(fmt: string, a: CallArgs, getattr: (o: PyValue, n: string) => PyValue): string {
  let auto = 0;
  return fmt.replace(
    /\{\{|\}\}|\{([^{}!:]*)(?:!([rs]))?(?::([^{}]*))?\}/g,
    (m, field: string | undefined, conv: string | undefined, spec: string | undefined) => {
      if (m === '{{') return '{';
      if (m === '}}') return '}';
      const [head, ...attrs] = (field ?? '').split('.');
      let v: PyValue;
      if (head === '') v = a.pos[auto++];
      else if (/^\d+$/.test(head)) v = a.pos[Number(head)];
      else v = a.kw?.get(head) as PyValue;
      if (v === undefined)
        throw new PyError(head === '' || /^\d+$/.test(head) ? 'IndexError' : 'KeyError', `Replacement index ${head} out of range for positional args tuple`);
      for (const at of attrs) v = getattr(v, at);
      if (spec) throw new PyError('ValueError', `format spec '${spec}' is not supported by this renderer`);
      return conv === 'r' ? repr(v) : str(v);
    },
  );
}

/** printf-style `%` formatting for `%s`, `%r`, `%d`, `%i`, `%%`. */
export function percentFormat(fmt: string, args: PyValue): string {
  const list = args instanceof PyTuple ? args.items : [args];
  let i = 0;
  const out = fmt.replace(/%(\([^)]*\))?([-#0 +]*\d*(?:\.\d+)?)([sdirf%])/g, (m, key: string | undefined, flags: string, conv: string) => {
    if (conv === '%') return '%';
    const v = key && args instanceof PyDict ? (args.get(key.slice(1, -1)) ?? null) : list[i++];
    if (v === undefined) throw new PyError('TypeError', 'not enough arguments for format string');
    if (flags) throw new PyError('ValueError', `format flags '${flags}' are not supported by this renderer`);
    if (conv === 's') return str(v);
    if (conv === 'r') return repr(v);
    const n = numeric(v);
    if (n === undefined) throw new PyError('TypeError', `%${conv} format: a real number is required, not ${typeName(v)}`);
    return conv === 'f' ? n.toFixed(6) : String(Math.trunc(n));
  });
  if (!(args instanceof PyDict) && i < list.length) throw new PyError('TypeError', 'not all arguments converted during string formatting');
  return out;
}

type Method = (self: never, a: CallArgs, getattr: (o: PyValue, n: string) => PyValue) => PyValue;

const STR_METHODS: Record<string, Method> = {
  lower: (s: string) => s.toLowerCase(),
  upper: (s: string) => s.toUpperCase(),
  capitalize: (s: string) => (s ? s[0].toUpperCase() + s.slice(1).toLowerCase() : s),
  title: (s: string) => s.toLowerCase().replace(/(^|[^\p{L}])(\p{L})/gu, (_m, a: string, b: string) => a + b.toUpperCase()),
  swapcase: (s: string) => Array.from(s, (c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join(''),
  strip: (s: string, a) => stripChars(s, a.arg(0, 'chars', null), true, true),
  lstrip: (s: string, a) => stripChars(s, a.arg(0, 'chars', null), true, false),
  rstrip: (s: string, a) => stripChars(s, a.arg(0, 'chars', null), false, true),
  split: (s: string, a) => pySplit(s, a.arg(0, 'sep', null), needInt(a.arg(1, 'maxsplit', -1), 'maxsplit'), false),
  rsplit: (s: string, a) => pySplit(s, a.arg(0, 'sep', null), needInt(a.arg(1, 'maxsplit', -1), 'maxsplit'), true),
  splitlines: (s: string) => s.split(/\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/).filter((_, i, arr) => i < arr.length - 1 || arr[i] !== ''),
  startswith: (s: string, a) => affix(s, a, false),
  endswith: (s: string, a) => affix(s, a, true),
  replace: (s: string, a) => {
    const old = needStr(a.arg(0, 'old'), 'replace() argument 1');
    const rep = needStr(a.arg(1, 'new'), 'replace() argument 2');
    const count = needInt(a.arg(2, 'count', -1), 'count');
    if (count < 0) return s.split(old).join(rep);
    const parts = s.split(old);
    if (parts.length - 1 <= count) return parts.join(rep);
    return parts.slice(0, count + 1).join(rep) + old + parts.slice(count + 1).join(old);
  },
  join: (s: string, a) =>
    iterate(a.arg(0, 'iterable'))
      .map((x, i) => {
        if (typeof x !== 'string') throw new PyError('TypeError', `sequence item ${i}: expected str instance, ${typeName(x)} found`);
        return x;
      })
      .join(s),
  format: (s: string, a, getattr) => pyFormat(s, a, getattr),
  find: (s: string, a) => s.indexOf(needStr(a.arg(0, 'sub'), 'find() argument')),
  rfind: (s: string, a) => s.lastIndexOf(needStr(a.arg(0, 'sub'), 'rfind() argument')),
  index: (s: string, a) => {
    const i = s.indexOf(needStr(a.arg(0, 'sub'), 'index() argument'));
    if (i < 0) throw new PyError('ValueError', 'substring not found');
    return i;
  },
  count: (s: string, a) => {
    const sub = needStr(a.arg(0, 'sub'), 'count() argument');
    return sub === '' ? Array.from(s).length + 1 : s.split(sub).length - 1;
  },
  isdigit: (s: string) => /^\p{Nd}+$/u.test(s),
  isalpha: (s: string) => /^\p{L}+$/u.test(s),
  isalnum: (s: string) => /^[\p{L}\p{N}]+$/u.test(s),
  isspace: (s: string) => /^\s+$/u.test(s),
  islower: (s: string) => /\p{Ll}/u.test(s) && !/\p{Lu}/u.test(s),
  isupper: (s: string) => /\p{Lu}/u.test(s) && !/\p{Ll}/u.test(s),
  zfill: (s: string, a) => {
    const w = needInt(a.arg(0, 'width'), 'width');
    const sign = s[0] === '-' || s[0] === '+' ? s[0] : '';
    const body = sign ? s.slice(1) : s;
    return s.length >= w ? s : sign + '0'.repeat(w - s.length) + body;
  },
  ljust: (s: string, a) => s.padEnd(needInt(a.arg(0, 'width'), 'width'), needStr(a.arg(1, 'fillchar', ' '), 'fillchar')),
  rjust: (s: string, a) => s.padStart(needInt(a.arg(0, 'width'), 'width'), needStr(a.arg(1, 'fillchar', ' '), 'fillchar')),
  partition: (s: string, a) => {
    const sep = needStr(a.arg(0, 'sep'), 'sep');
    const i = s.indexOf(sep);
    return i < 0 ? new PyTuple([s, '', '']) : new PyTuple([s.slice(0, i), sep, s.slice(i + sep.length)]);
  },
};

const LIST_METHODS: Record<string, Method> = {
  append: (l: PyValue[], a) => {
    l.push(a.arg(0, 'object'));
    return null;
  },
  extend: (l: PyValue[], a) => {
    l.push(...iterate(a.arg(0, 'iterable')));
    return null;
  },
  insert: (l: PyValue[], a) => {
    let i = needInt(a.arg(0, 'index'), 'index');
    if (i < 0) i = Math.max(0, l.length + i);
    l.splice(Math.min(i, l.length), 0, a.arg(1, 'object'));
    return null;
  },
  pop: (l: PyValue[], a) => {
    if (l.length === 0) throw new PyError('IndexError', 'pop from empty list');
    const i = pyIndex(l.length, needInt(a.arg(0, 'index', -1), 'index'), 'pop');
    return l.splice(i, 1)[0];
  },
  remove: (l: PyValue[], a) => {
    const x = a.arg(0, 'value');
    const i = l.findIndex((y) => equals(y, x));
    if (i < 0) throw new PyError('ValueError', 'list.remove(x): x not in list');
    l.splice(i, 1);
    return null;
  },
  index: (l: PyValue[], a) => {
    const x = a.arg(0, 'value');
    const i = l.findIndex((y) => equals(y, x));
    if (i < 0) throw new PyError('ValueError', `${repr(x)} is not in list`);
    return i;
  },
  count: (l: PyValue[], a) => l.filter((y) => equals(y, a.arg(0, 'value'))).length,
  reverse: (l: PyValue[]) => {
    l.reverse();
    return null;
  },
  sort: (l: PyValue[], a) => {
    const sorted = sortValues(l, truthy(a.arg(99, 'reverse', false)), true, undefined);
    l.splice(0, l.length, ...sorted);
    return null;
  },
  copy: (l: PyValue[]) => l.slice(),
  clear: (l: PyValue[]) => {
    l.length = 0;
    return null;
  },
};

const DICT_METHODS: Record<string, Method> = {
  get: (d: PyDict, a) => d.get(a.arg(0, 'key')) ?? a.arg(1, 'default', null),
  items: (d: PyDict) => new PyDictView('dict_items', d),
  keys: (d: PyDict) => new PyDictView('dict_keys', d),
  values: (d: PyDict) => new PyDictView('dict_values', d),
  update: (d: PyDict, a) => {
    if (a.pos.length) {
      const o = a.pos[0];
      if (o instanceof PyDict) for (const [k, v] of o.entries()) d.set(k, v);
      else
        for (const pair of iterate(o)) {
          const kv = iterate(pair);
          if (kv.length !== 2) throw new PyError('ValueError', `dictionary update sequence element has length ${kv.length}; 2 is required`);
          d.set(kv[0], kv[1]);
        }
    }
    if (a.kw) for (const [k, v] of a.kw.entries()) d.set(k, v);
    return null;
  },
  pop: (d: PyDict, a) => {
    const k = a.arg(0, 'key');
    const v = d.get(k);
    if (v !== undefined) {
      d.delete(k);
      return v;
    }
    if (a.has(1, 'default')) return a.arg(1, 'default');
    throw new PyError('KeyError', repr(k));
  },
  setdefault: (d: PyDict, a) => {
    const k = a.arg(0, 'key');
    const v = d.get(k);
    if (v !== undefined) return v;
    const dflt = a.arg(1, 'default', null);
    d.set(k, dflt);
    return dflt;
  },
  copy: (d: PyDict) => d.copy(),
  clear: (d: PyDict) => {
    d.clear();
    return null;
  },
};

/** `obj.name` as Python finds it on built-in types: a bound method, or undefined when there is none. */
export function pyMethod(obj: PyValue, name: string, getattr: (o: PyValue, n: string) => PyValue): PyFunction | undefined {
  const table = typeof obj === 'string' ? STR_METHODS : Array.isArray(obj) ? LIST_METHODS : obj instanceof PyDict ? DICT_METHODS : undefined;
  const m = table && Object.prototype.hasOwnProperty.call(table, name) ? table[name] : undefined;
  if (!m) return undefined;
  return new PyFunction(name, (pos, kw) => m(obj as never, new CallArgs(pos, kw, name), getattr), obj);
}

export function sortValues(items: PyValue[], reverse: boolean, caseSensitive: boolean, key: ((v: PyValue) => PyValue) | undefined): PyValue[] {
  const keyed = items.map((v) => {
    let k = key ? key(v) : v;
    if (!caseSensitive && typeof k === 'string') k = k.toLowerCase();
    return { v, k };
  });
  // Python's sort is stable, and reverse keeps equal items in their order
  keyed.sort((x, y) => (reverse ? compare(y.k, x.k, '<') : compare(x.k, y.k, '<')));
  return keyed.map((x) => x.v);
}

export function toInt(v: PyValue, dflt: PyValue, base = 10): PyValue {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof PyFloat) return Number.isFinite(v.value) ? Math.trunc(v.value) : dflt;
  if (typeof v === 'string') {
    const t = v.trim().replace(/_/g, '');
    const prefixed = base === 10 ? t : t.replace(/^([+-]?)0[xob]/i, '$1');
    const digits = base === 10 ? /^[+-]?\d+$/ : base === 16 ? /^[+-]?[0-9a-f]+$/i : base === 8 ? /^[+-]?[0-7]+$/ : /^[+-]?[01]+$/;
    if (digits.test(prefixed)) return parseInt(prefixed, base);
    const f = toFloat(v, undefined);
    return f instanceof PyFloat && Number.isFinite(f.value) ? Math.trunc(f.value) : dflt;
  }
  return dflt;
}

export function toFloat(v: PyValue, dflt: PyValue | undefined): PyValue {
  const n = numeric(v);
  if (n !== undefined) return new PyFloat(n);
  if (typeof v === 'string') {
    const t = v.trim().replace(/_/g, '').toLowerCase();
    if (/^[+-]?(\d+\.?\d*(e[+-]?\d+)?|\.\d+(e[+-]?\d+)?)$/.test(t)) return new PyFloat(Number(t));
    if (/^[+-]?(inf|infinity)$/.test(t)) return new PyFloat(t.startsWith('-') ? -Infinity : Infinity);
    if (/^[+-]?nan$/.test(t)) return new PyFloat(NaN);
  }
  return dflt === undefined ? null : dflt;
}

/** Jinja2's `tojson`: json.dumps with sorted keys, then `<`, `>`, `&`, `'` escaped for HTML. */
export function toJson(v: PyValue, indent: PyValue): string {
  const ind = typeof indent === 'number' ? ' '.repeat(indent) : undefined;
  const enc = (x: PyValue, depth: number): string => {
    const nl = ind !== undefined ? '\n' + ind.repeat(depth + 1) : '';
    const close = ind !== undefined ? '\n' + ind.repeat(depth) : '';
    const sep = ind !== undefined ? ',' : ', ';
    if (x === null || x instanceof Undefined) {
      if (x instanceof Undefined) throw new PyError('TypeError', 'Object of type Undefined is not JSON serializable');
      return 'null';
    }
    if (x === true) return 'true';
    if (x === false) return 'false';
    if (typeof x === 'number') return String(x);
    if (x instanceof PyFloat) return Number.isFinite(x.value) ? floatRepr(x.value) : Number.isNaN(x.value) ? 'NaN' : x.value > 0 ? 'Infinity' : '-Infinity';
    if (typeof x === 'string') return JSON.stringify(x).replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
    if (Array.isArray(x) || x instanceof PyTuple) {
      const items = Array.isArray(x) ? x : x.items;
      if (items.length === 0) return '[]';
      return '[' + nl + items.map((i) => enc(i, depth + 1)).join(sep + nl) + close + ']';
    }
    if (x instanceof PyDict) {
      if (x.size === 0) return '{}';
      const entries = x
        .entries()
        .map(([k, val]) => [typeof k === 'string' ? k : k === null ? 'null' : typeof k === 'boolean' ? String(k) : str(k), val] as [string, PyValue]);
      entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      return '{' + nl + entries.map(([k, val]) => `${enc(k, depth + 1)}: ${enc(val, depth + 1)}`).join(sep + nl) + close + '}';
    }
    throw new PyError('TypeError', `Object of type ${typeName(x)} is not JSON serializable`);
  };
  return enc(v, 0).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/'/g, '\\u0027');
}

export function htmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/>/g, '&gt;').replace(/</g, '&lt;').replace(/'/g, '&#39;').replace(/"/g, '&#34;');
}

export function namespaceOf(pos: PyValue[], kw: PyDict | undefined): PyNamespace {
  const attrs = new PyDict();
  for (const p of pos) if (p instanceof PyDict) for (const [k, v] of p.entries()) attrs.set(k, v);
  if (kw) for (const [k, v] of kw.entries()) attrs.set(k, v);
  return new PyNamespace(attrs);
}

export { isUndefined, objectTypeRepr, undefinedError };
