/**
 * Python's value model as Jinja2 sees it, for the data tripleo-heat-templates render: ints and floats kept
 * apart (YAML `1.0` prints `1.0`), dicts in insertion order with Python key equality, tuples, and Jinja2's
 * default Undefined. Printing follows Python 3's str()/repr(), which is what ends up in the rendered YAML.
 */

/** A Python float; plain JS numbers are Python ints. */
export class PyFloat {
  constructor(readonly value: number) {}
}

export class PyTuple {
  constructor(readonly items: PyValue[]) {}
}

export class PyRange {
  constructor(
    readonly start: number,
    readonly stop: number,
    readonly step: number,
  ) {}
  get length(): number {
    const n = Math.ceil((this.stop - this.start) / this.step);
    return n > 0 ? n : 0;
  }
  toArray(): number[] {
    const out: number[] = [];
    for (let i = 0, v = this.start; i < this.length; i++, v += this.step) out.push(v);
    return out;
  }
}

/** A live view a dict method returns (`items()`, `keys()`, `values()`), printed as Python prints it. */
export class PyDictView {
  constructor(
    readonly kind: 'dict_items' | 'dict_keys' | 'dict_values',
    readonly dict: PyDict,
  ) {}
  toArray(): PyValue[] {
    if (this.kind === 'dict_keys') return this.dict.keys();
    if (this.kind === 'dict_values') return this.dict.values();
    return this.dict.entries().map(([k, v]) => new PyTuple([k, v]));
  }
}

/** Jinja2's default Undefined: empty when printed or iterated, false, and an error on any other use. */
export class Undefined {
  constructor(readonly hint: string) {}
}

/** `namespace()`: the one object a `set` may assign attributes of. */
export class PyNamespace {
  constructor(readonly attrs: PyDict) {}
}

export type PyCallable = (args: PyValue[], kwargs: PyDict | undefined) => PyValue;

/** A Python callable value: a global function or a method bound to its object. */
export class PyFunction {
  constructor(
    readonly name: string,
    readonly call: PyCallable,
    readonly owner?: PyValue,
  ) {}
}

export type PyValue =
  null | boolean | number | string | PyFloat | PyValue[] | PyTuple | PyDict | PyRange | PyDictView | Undefined | PyNamespace | PyFunction | object;

/** Python's hash equality for dict keys: 1, 1.0 and True are one key. */
function keyOf(k: PyValue): string {
  if (typeof k === 'string') return 's' + k;
  if (typeof k === 'number') return 'n' + k;
  if (typeof k === 'boolean') return k ? 'n1' : 'n0';
  if (k instanceof PyFloat) return 'n' + k.value;
  if (k === null) return 'N';
  if (k instanceof PyTuple) return 't(' + k.items.map(keyOf).join(',') + ')';
  if (Array.isArray(k) || k instanceof PyDict) throw new PyError('TypeError', `unhashable type: '${typeName(k)}'`);
  return 'o' + repr(k);
}

export class PyDict {
  private readonly map = new Map<string, [PyValue, PyValue]>();
  get size(): number {
    return this.map.size;
  }
  get(k: PyValue): PyValue | undefined {
    const e = this.map.get(keyOf(k));
    return e ? e[1] : undefined;
  }
  has(k: PyValue): boolean {
    return this.map.has(keyOf(k));
  }
  set(k: PyValue, v: PyValue): void {
    const key = keyOf(k);
    const e = this.map.get(key);
    if (e) e[1] = v;
    else this.map.set(key, [k, v]);
  }
  delete(k: PyValue): boolean {
    return this.map.delete(keyOf(k));
  }
  clear(): void {
    this.map.clear();
  }
  keys(): PyValue[] {
    return [...this.map.values()].map((e) => e[0]);
  }
  values(): PyValue[] {
    return [...this.map.values()].map((e) => e[1]);
  }
  entries(): [PyValue, PyValue][] {
    return [...this.map.values()].map((e) => [e[0], e[1]]);
  }
  copy(): PyDict {
    const d = new PyDict();
    for (const [k, v] of this.map.values()) d.set(k, v);
    return d;
  }
  static from(entries: Iterable<[PyValue, PyValue]>): PyDict {
    const d = new PyDict();
    for (const [k, v] of entries) d.set(k, v);
    return d;
  }
}

/** A Python exception raised while rendering (TypeError, ValueError...), or Jinja2's UndefinedError. */
export class PyError extends Error {
  constructor(
    readonly pyType: string,
    message: string,
  ) {
    super(message);
  }
}

export function isUndefined(v: PyValue): v is Undefined {
  return v instanceof Undefined;
}

export function typeName(v: PyValue): string {
  if (v === null) return 'NoneType';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return 'int';
  if (typeof v === 'string') return 'str';
  if (v instanceof PyFloat) return 'float';
  if (Array.isArray(v)) return 'list';
  if (v instanceof PyTuple) return 'tuple';
  if (v instanceof PyDict) return 'dict';
  if (v instanceof PyRange) return 'range';
  if (v instanceof PyDictView) return v.kind;
  if (v instanceof Undefined) return 'Undefined';
  if (v instanceof PyNamespace) return 'Namespace';
  if (v instanceof PyFunction) return v.owner !== undefined ? 'builtin_function_or_method' : 'function';
  return 'object';
}

/** How Jinja2 names an object in "'x' has no attribute 'y'" messages. */
export function objectTypeRepr(v: PyValue): string {
  if (v === null) return 'None';
  return `${typeName(v)} object`;
}

export function truthy(v: PyValue): boolean {
  if (v === null || v === false || v === undefined) return false;
  if (v === true) return true;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') return v.length > 0;
  if (v instanceof PyFloat) return v.value !== 0;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof PyTuple) return v.items.length > 0;
  if (v instanceof PyDict) return v.size > 0;
  if (v instanceof PyRange) return v.length > 0;
  if (v instanceof PyDictView) return v.dict.size > 0;
  if (v instanceof Undefined) return false;
  return true;
}

/** The number a value stands for in arithmetic and comparisons, or undefined when it is not a number. */
export function numeric(v: PyValue): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof PyFloat) return v.value;
  return undefined;
}

export function isFloat(v: PyValue): boolean {
  return v instanceof PyFloat;
}

export function equals(a: PyValue, b: PyValue): boolean {
  if (a === b) return true;
  const na = numeric(a);
  if (na !== undefined) {
    const nb = numeric(b);
    return nb !== undefined && na === nb;
  }
  if (typeof a === 'string' || typeof b === 'string') return false;
  if (a === null || b === null) return false;
  if (a instanceof Undefined) return b instanceof Undefined;
  if (Array.isArray(a)) return Array.isArray(b) && sequenceEquals(a, b);
  if (a instanceof PyTuple) return b instanceof PyTuple && sequenceEquals(a.items, b.items);
  if (a instanceof PyDict) {
    if (!(b instanceof PyDict) || a.size !== b.size) return false;
    for (const [k, v] of a.entries()) {
      const o = b.get(k);
      if (o === undefined || !equals(v, o)) return false;
    }
    return true;
  }
  if (a instanceof PyRange && b instanceof PyRange) return sequenceEquals(a.toArray(), b.toArray());
  return false;
}

function sequenceEquals(a: PyValue[], b: PyValue[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!equals(a[i], b[i])) return false;
  return true;
}

/** Python's `<`-style ordering: -1, 0, 1; a TypeError for values Python cannot order. */
export function compare(a: PyValue, b: PyValue, op: string): number {
  const na = numeric(a);
  const nb = numeric(b);
  if (na !== undefined && nb !== undefined) return na < nb ? -1 : na > nb ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  const sa = Array.isArray(a) ? a : a instanceof PyTuple ? a.items : undefined;
  const sb = Array.isArray(b) ? b : b instanceof PyTuple ? b.items : undefined;
  if (sa && sb && Array.isArray(a) === Array.isArray(b)) {
    for (let i = 0; i < Math.min(sa.length, sb.length); i++) {
      if (!equals(sa[i], sb[i])) return compare(sa[i], sb[i], op);
    }
    return sa.length - sb.length < 0 ? -1 : sa.length > sb.length ? 1 : 0;
  }
  if (a instanceof Undefined || b instanceof Undefined) throw undefinedError(a instanceof Undefined ? a : (b as Undefined));
  throw new PyError('TypeError', `'${op}' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`);
}

export function undefinedError(u: Undefined): PyError {
  return new PyError('UndefinedError', u.hint);
}

/** Python's repr() of a float: shortest round-trip digits, exponent below 1e-4 and from 1e16. */
export function floatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mant, expPart] = x.toExponential().split('e');
  const exp = Number(expPart);
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  let body: string;
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp);
    body = `${m}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  } else if (exp < 0) {
    body = `0.${'0'.repeat(-exp - 1)}${digits}`;
  } else if (digits.length <= exp + 1) {
    body = `${digits}${'0'.repeat(exp + 1 - digits.length)}.0`;
  } else {
    body = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  }
  return neg ? `-${body}` : body;
}

const NON_PRINTABLE = /[\p{C}\p{Z}]/u;

/** Python 3's repr() of a str. */
const PLAIN_ASCII = /^[\x20-\x26\x28-\x5b\x5d-\x7e]*$/;

export function strRepr(s: string): string {
  if (PLAIN_ASCII.test(s)) return `'${s}'`;
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    if (ch === quote || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch !== ' ' && NON_PRINTABLE.test(ch)) {
      const c = ch.codePointAt(0)!;
      if (c < 0x100) out += '\\x' + c.toString(16).padStart(2, '0');
      else if (c < 0x10000) out += '\\u' + c.toString(16).padStart(4, '0');
      else out += '\\U' + c.toString(16).padStart(8, '0');
    } else out += ch;
  }
  return out + quote;
}

/** Containers being printed, so a list that contains itself prints `[...]` as in Python. */
const printing = new Set<unknown>();

function reprContainer(v: PyValue[] | PyDict, open: string, close: string, body: () => string): string {
  if (printing.has(v)) return `${open}...${close}`;
  printing.add(v);
  try {
    return body();
  } finally {
    printing.delete(v);
  }
}

export function repr(v: PyValue): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return Number.isInteger(v) ? String(BigInt(v)) : floatRepr(v);
  if (typeof v === 'string') return strRepr(v);
  if (v instanceof PyFloat) return floatRepr(v.value);
  if (Array.isArray(v)) return reprContainer(v, '[', ']', () => '[' + v.map(repr).join(', ') + ']');
  if (v instanceof PyTuple) return v.items.length === 1 ? `(${repr(v.items[0])},)` : '(' + v.items.map(repr).join(', ') + ')';
  if (v instanceof PyDict)
    return reprContainer(
      v,
      '{',
      '}',
      () =>
        '{' +
        v
          .entries()
          .map(([k, x]) => `${repr(k)}: ${repr(x)}`)
          .join(', ') +
        '}',
    );
  if (v instanceof PyRange) return v.step === 1 ? `range(${v.start}, ${v.stop})` : `range(${v.start}, ${v.stop}, ${v.step})`;
  if (v instanceof PyDictView) {
    const items = v.toArray();
    return `${v.kind}([${items.map(repr).join(', ')}])`;
  }
  if (v instanceof Undefined) return 'Undefined';
  if (v instanceof PyNamespace) return `<Namespace ${repr(v.attrs)}>`;
  if (v instanceof PyFunction) return v.owner !== undefined ? `<built-in method ${v.name} of ${typeName(v.owner)} object>` : `<function ${v.name}>`;
  return `<${typeName(v)}>`;
}

/** Python's str(), which `{{ }}` and `~` print; Undefined prints empty. */
export function str(v: PyValue): string {
  if (typeof v === 'string') return v;
  if (v instanceof Undefined) return '';
  return repr(v);
}

/** The items a `for` or a filter iterates: list items, dict keys, characters. */
export function iterate(v: PyValue): PyValue[] {
  if (Array.isArray(v)) return v;
  if (v instanceof PyTuple) return v.items;
  if (v instanceof PyDict) return v.keys();
  if (typeof v === 'string') return Array.from(v);
  if (v instanceof PyRange) return v.toArray();
  if (v instanceof PyDictView) return v.toArray();
  if (v instanceof Undefined) return [];
  throw new PyError('TypeError', `'${typeName(v)}' object is not iterable`);
}

/** Plain data (a YAML load) as Python values: objects become dicts, non-integers floats. */
export function fromJs(v: unknown): PyValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof PyFloat || v instanceof PyDict || v instanceof PyTuple) return v;
  if (Array.isArray(v)) return v.map(fromJs);
  if (v instanceof Map) return PyDict.from([...v.entries()].map(([k, x]) => [fromJs(k), fromJs(x)] as [PyValue, PyValue]));
  if (typeof v === 'object') return PyDict.from(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, fromJs(x)] as [PyValue, PyValue]));
  return String(v);
}
