/**
 * The one rule of what is secret, and its application to everything that leaves the process:
 * logs, views, hovers, the CLI, the language server.
 *
 * A value is secret when its name says so (SECRET_NAME) or when Heat declares its parameter
 * `hidden` (NoEcho; callers pass those names). Text is read structurally: JSON and Python reprs
 * (Mistral's inputs, outputs and state_info) are parsed, nested and escaped ones too, and the value
 * of a secret name is masked whatever its type; free text then loses what follows a secret header
 * or `name=`, and anything shaped like a Fernet token.
 */
export const MASK = '******';

// password, passphrase, secret (*Secret, application_credential_secret), token, credential, cookie
// (RabbitCookie), private keys and any name ending in "key" (SSLKey, HeatAuthEncryptionKey,
// MigrationSshKey), but not a public key; Authorization headers.
const SECRET_NAME = /passw(?:or)?d|passphrase|secret|token|credential|cookie|private_?key|authorization|(?<!public_?)key$/i;

export function isSecretName(name: string, hidden?: ReadonlySet<string>): boolean {
  return SECRET_NAME.test(name) || !!hidden?.has(name);
}

/** A deep copy of a JSON-like value with the value of every secret name masked; strings are redacted as text. */
export function redactValue(value: unknown, hidden?: ReadonlySet<string>): unknown {
  if (typeof value === 'string') return redactText(value, hidden);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, hidden));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = v !== null && v !== undefined && v !== '' && isSecretName(k, hidden) ? MASK : redactValue(v, hidden);
    return out;
  }
  return value;
}

/**
 * The inverse for an editor that showed masked values: every MASK left as it was shown takes the
 * value it stands for back from `current`, at the same place.
 */
export function unmask(edited: unknown, current: unknown): unknown {
  if (edited === MASK) return current;
  if (Array.isArray(edited)) return edited.map((v, i) => unmask(v, Array.isArray(current) ? current[i] : undefined));
  if (edited && typeof edited === 'object') {
    const from = current && typeof current === 'object' && !Array.isArray(current) ? (current as Record<string, unknown>) : {};
    return Object.fromEntries(Object.entries(edited).map(([k, v]) => [k, unmask(v, from[k])]));
  }
  return edited;
}

/** Removes query parameters that carry secrets (temp URLs and the like) from a URL for logs. */
export function redactUrl(url: string): string {
  return url.replace(/([?&](?:temp_url_sig|token|signature|password|secret)=)[^&]*/gi, `$1${MASK}`);
}

const HEADER =
  /\b(X-Auth-Token|X-Subject-Token|X-Service-Token|Authorization|Set-Cookie|Cookie)(["']?\s*[:=]\s*["']?)((?:Bearer|Basic|Token)\s+)?(?!\*{6})[^\s"',;})\]]+/gi;
const NAMED_VALUE = `(\\s*[=:]\\s*)(?!\\*{6}|["']\\*{6})('(?:[^'\\\\\\n]|\\\\.)*'?|"(?:[^"\\\\\\n]|\\\\.)*"?|[^\\s,;'"})\\]]+)`;
// bounded name parts: a long run of word characters costs linear time, not quadratic
const NAMED = new RegExp(`\\b([\\w:-]{0,60}(?:passw(?:or)?d|passphrase|secret|token|credential|private_?key)[\\w-]{0,60})${NAMED_VALUE}`, 'gi');
const FERNET = /gAAAAA[\w-]{20,}={0,2}/g;
/** Enough to hold a secret: a text without any of these needs no parse. */
const WORTH_A_LOOK = /pass|secret|token|credential|cookie|key|authori|gAAAAA/i;
const MAX_STRUCTURED = 2_000_000;

/** The text with every secret masked (see the rule above); `hidden` adds NoEcho parameter names. */
export function redactText(text: string, hidden?: ReadonlySet<string>): string {
  if (!text || (!WORTH_A_LOOK.test(text) && !(hidden?.size && [...hidden].some((h) => text.includes(h))))) return text;
  let out = text.length <= MAX_STRUCTURED ? maskStructures(text, hidden) : text;
  out = out.replace(HEADER, (_m, name: string, sep: string, scheme: string | undefined) => `${name}${sep}${scheme ?? ''}${MASK}`);
  const masked = (_m: string, name: string, sep: string, value: string) => {
    const q = value[0] === '"' || value[0] === "'" ? value[0] : '';
    return `${name}${sep}${q}${MASK}${q && value.length > 1 && value.endsWith(q) ? q : ''}`;
  };
  out = out.replace(NAMED, masked);
  if (hidden?.size)
    out = out.replace(new RegExp(`\\b(${[...hidden].map((h) => h.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})\\b${NAMED_VALUE}`, 'g'), masked);
  return out.replace(FERNET, MASK);
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

/** Finds the JSON and Python literals in a text and masks their secret values in place. */
function maskStructures(text: string, hidden?: ReadonlySet<string>): string {
  const edits: Edit[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== '{' && c !== '[') continue;
    const scanner = new LiteralScanner(text, hidden);
    try {
      i = scanner.value(i) - 1;
    } catch {
      // truncated or not a literal: what was found before the break still counts
      i = Math.max(i, scanner.furthest - 1);
    }
    edits.push(...scanner.edits);
  }
  if (!edits.length) return text;
  // outermost first; an edit inside a masked value is dropped
  edits.sort((a, b) => a.start - b.start || b.end - a.end);
  let out = '';
  let at = 0;
  for (const e of edits) {
    if (e.start < at) continue;
    out += text.slice(at, e.start) + e.text;
    at = e.end;
  }
  return out + text.slice(at);
}

class SyntaxProblem extends Error {}

/**
 * A tolerant reader of JSON and Python literals (dicts, lists, tuples, u'' b'' r'' strings with
 * either quote, numbers, True/None/null, calls such as datetime(...)) that only notes where the
 * secrets are.
 */
class LiteralScanner {
  readonly edits: Edit[] = [];
  furthest = 0;
  private depth = 0;

  constructor(
    private readonly s: string,
    private readonly hidden?: ReadonlySet<string>,
  ) {}

  private ws(i: number): number {
    while (i < this.s.length && /\s/.test(this.s[i])) i++;
    this.furthest = Math.max(this.furthest, i);
    return i;
  }

  private fail(i: number): never {
    this.furthest = Math.max(this.furthest, i + 1);
    throw new SyntaxProblem();
  }

  /** Reads one value from `i`; returns where it ends. */
  value(i: number): number {
    i = this.ws(i);
    const c = this.s[i];
    if (c === undefined) this.fail(i);
    if (c === '{') return this.container(i, '}', true);
    if (c === '[' || c === '(') return this.container(i, c === '[' ? ']' : ')', false);
    const str = this.string(i);
    if (str) return str.end;
    const m = /^[-+\w.]+/.exec(this.s.slice(i, i + 200));
    if (!m) this.fail(i);
    const end = i + m[0].length;
    return this.s[end] === '(' ? this.container(end, ')', false) : end;
  }

  private container(i: number, close: string, isDict: boolean): number {
    if (++this.depth > 200) this.fail(i);
    i = this.ws(i + 1);
    while (this.s[i] !== close) {
      if (isDict) {
        const keyStart = i;
        const key = this.string(i);
        const keyEnd = key ? key.end : this.value(i);
        const name = key ? key.decoded : this.s.slice(keyStart, keyEnd);
        i = this.ws(keyEnd);
        if (this.s[i] !== ':') this.fail(i);
        const start = this.ws(i + 1);
        const inner = this.edits.length;
        const end = this.value(start);
        const literal = this.s.slice(start, end);
        if (isSecretName(name, this.hidden) && !/^(None|null|''|""|u'')$/.test(literal) && literal.replace(/^[uUbB]?['"]|['"]$/g, '') !== MASK) {
          const quote = key?.quote ?? '"';
          this.edits.length = inner;
          this.edits.push({ start, end, text: `${quote}${MASK}${quote}` });
        }
        i = end;
      } else i = this.value(i);
      i = this.ws(i);
      if (this.s[i] === ',') i = this.ws(i + 1);
      else if (this.s[i] !== close) this.fail(i);
    }
    this.depth--;
    return i + 1;
  }

  /** A quoted string at `i` (with a Python prefix), its decoded text and quote; undefined when there is none. */
  private string(i: number): { end: number; decoded: string; quote: string } | undefined {
    const m = /^([uUbBrR]{0,2})(['"])/.exec(this.s.slice(i, i + 3));
    if (!m) return undefined;
    const quote = m[2];
    const raw = /r/i.test(m[1]);
    let j = i + m[0].length;
    let decoded = '';
    for (;;) {
      const ch = this.s[j];
      if (ch === undefined || ch === '\n') this.fail(j);
      if (ch === quote) break;
      if (ch === '\\' && !raw) {
        const next = this.s[j + 1];
        decoded += next === 'n' ? '\n' : next === 't' ? '\t' : (next ?? '');
        j += 2;
      } else {
        decoded += ch;
        j++;
      }
    }
    const end = j + 1;
    // a literal inside a string (JSON escaped in JSON, a repr in a message): masked in its own text
    if (/[{[]/.test(decoded) && WORTH_A_LOOK.test(decoded)) {
      const inner = redactText(decoded, this.hidden);
      if (inner !== decoded) this.edits.push({ start: i, end, text: requote(inner, m[1], quote) });
    }
    return { end, decoded, quote };
  }
}

function requote(text: string, prefix: string, quote: string): string {
  if (quote === '"' && !prefix) return JSON.stringify(text);
  return `${prefix.replace(/r/i, '')}${quote}${text.replace(/\\/g, '\\\\').replace(new RegExp(quote, 'g'), `\\${quote}`).replace(/\n/g, '\\n')}${quote}`;
}
