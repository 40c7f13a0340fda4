import { TemplateRenderError } from './errors';

/**
 * Jinja2's default lexer: `{{ }}`, `{% %}`, `{# #}`, `{% raw %}`, `-` trimming whitespace beside a tag,
 * trim_blocks and lstrip_blocks off, newlines normalised to `\n` and one trailing newline dropped
 * (keep_trailing_newline=False). Every token carries its 0-based source line.
 */
export type TokenType = 'data' | 'block_begin' | 'block_end' | 'variable_begin' | 'variable_end' | 'name' | 'string' | 'integer' | 'float' | 'operator' | 'eof';

export interface Token {
  type: TokenType;
  value: string;
  line: number;
  /** For numbers, the parsed value. */
  num?: number;
}

/** The source as Jinja2 reads it: `\r\n` and `\r` become `\n`, one trailing newline is dropped. */
export function normalizeSource(source: string): string {
  let s = source.includes('\r') ? source.replace(/\r\n?/g, '\n') : source;
  if (s.endsWith('\n')) s = s.slice(0, -1);
  return s;
}

const OPERATORS = ['//', '**', '==', '!=', '<=', '>=', '+', '-', '/', '*', '%', '~', '[', ']', '(', ')', '{', '}', '<', '>', '=', '.', ':', '|', ',', ';'];
const NAME_RE = /[a-zA-Z_\u00c0-\uffff][a-zA-Z0-9_\u00c0-\uffff]*/y;
const FLOAT_RE = /(?:\d+_)*\d+(?:(?:\.(?:\d+_)*\d+)?[eE][+-]?(?:\d+_)*\d+|\.(?:\d+_)*\d+)/y;
const INT_RE = /0[bB](?:_?[01])+|0[oO](?:_?[0-7])+|0[xX](?:_?[\da-fA-F])+|[1-9](?:_?\d)*|0(?:_?0)*/y;
const STRING_RE = /'([^'\\]*(?:\\.[^'\\]*)*)'|"([^"\\]*(?:\\.[^"\\]*)*)"/sy;
const TAG_START = /\{\{|\{%|\{#/g;
const RAW_BEGIN = /\{%[-+]?\s*raw\s*(-%\}\s*|%\})/y;
const RAW_END = /\{%(-?)\s*endraw\s*(-%\}\s*|\+?%\})/g;
const COMMENT_END = /(-#\}\s*|\+?#\})/g;
const WS = /\s+/y;

function countNewlines(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (s.charCodeAt(i) === 10) n++;
  return n;
}

/** Python string escapes as Jinja2 decodes them in string literals. */
export function unescapeString(s: string, file: string, line: number): string {
  if (!s.includes('\\')) return s;
  return s.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|N\{[^}]*\}|[0-7]{1,3}|[\s\S])/g, (m, e: string) => {
    switch (e[0]) {
      case 'n':
        return e.length === 1 ? '\n' : m;
      case 't':
        return '\t';
      case 'r':
        return '\r';
      case '\\':
        return '\\';
      case "'":
        return "'";
      case '"':
        return '"';
      case 'a':
        return '\x07';
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'v':
        return '\v';
      case '\n':
        return '';
      case 'x':
      case 'u':
      case 'U':
        if (e.length > 1) return String.fromCodePoint(parseInt(e.slice(1), 16));
        throw new TemplateRenderError(file, line + 1, `invalid escape ${m} in a string`);
      case 'N':
        if (e.length > 1) throw new TemplateRenderError(file, line + 1, `named escape ${m} is not supported`);
        return m;
      default:
        if (/^[0-7]/.test(e)) return String.fromCharCode(parseInt(e, 8));
        return m;
    }
  });
}

export function tokenize(rawSource: string, file: string): Token[] {
  const src = normalizeSource(rawSource);
  const tokens: Token[] = [];
  let pos = 0;
  let line = 0;
  const fail = (l: number, msg: string): never => {
    throw new TemplateRenderError(file, l + 1, msg);
  };
  const pushData = (text: string, atLine: number) => {
    if (text) tokens.push({ type: 'data', value: text, line: atLine });
  };
  /** Skips the whitespace a `-%}`-style end consumed, keeping the line count. */
  const advance = (to: number) => {
    line += countNewlines(src, pos, to);
    pos = to;
  };

  while (pos < src.length) {
    TAG_START.lastIndex = pos;
    const m = TAG_START.exec(src);
    if (!m) {
      pushData(src.slice(pos), line);
      break;
    }
    const start = m.index;
    let text = src.slice(pos, start);
    const sign = src[start + 2];
    if (sign === '-') text = text.replace(/\s+$/u, '');
    pushData(text, line);
    advance(start);
    const tagLine = line;
    if (m[0] === '{#') {
      COMMENT_END.lastIndex = start + 2;
      const e = COMMENT_END.exec(src);
      if (!e) fail(tagLine, 'Missing end of comment tag');
      advance(e!.index + e![0].length);
      continue;
    }
    if (m[0] === '{%') {
      RAW_BEGIN.lastIndex = start;
      const r = RAW_BEGIN.exec(src);
      if (r) {
        advance(start + r[0].length);
        RAW_END.lastIndex = pos;
        const e = RAW_END.exec(src);
        if (!e) fail(tagLine, 'Missing end of raw directive');
        let body = src.slice(pos, e!.index);
        if (e![1] === '-') body = body.replace(/\s+$/u, '');
        pushData(body, line);
        advance(e!.index + e![0].length);
        continue;
      }
    }
    const isBlock = m[0] === '{%';
    tokens.push({ type: isBlock ? 'block_begin' : 'variable_begin', value: m[0], line });
    let p = start + 2;
    if (sign === '-' || (sign === '+' && isBlock)) p++;
    advance(p);
    const endRe = isBlock ? /-%\}\s*|\+?%\}/y : /-\}\}\s*|\}\}/y;
    const balance: string[] = [];
    for (;;) {
      WS.lastIndex = pos;
      const ws = WS.exec(src);
      if (ws) advance(pos + ws[0].length);
      if (pos >= src.length)
        fail(tagLine, isBlock ? "Unexpected end of template. Jinja was looking for the end of a block ('%}')" : "unexpected end of template, expected '}}'");
      if (balance.length === 0) {
        endRe.lastIndex = pos;
        const e = endRe.exec(src);
        if (e) {
          tokens.push({ type: isBlock ? 'block_end' : 'variable_end', value: e[0], line });
          advance(pos + e[0].length);
          break;
        }
      }
      const c = src[pos];
      if (c === "'" || c === '"') {
        STRING_RE.lastIndex = pos;
        const s = STRING_RE.exec(src);
        if (!s) fail(line, 'unexpected char ' + JSON.stringify(c) + ' (unterminated string)');
        tokens.push({ type: 'string', value: unescapeString(s![1] ?? s![2], file, line), line });
        advance(pos + s![0].length);
        continue;
      }
      if (c >= '0' && c <= '9') {
        FLOAT_RE.lastIndex = pos;
        const f = FLOAT_RE.exec(src);
        if (f) {
          tokens.push({ type: 'float', value: f[0], num: Number(f[0].replace(/_/g, '')), line });
          advance(pos + f[0].length);
          continue;
        }
        INT_RE.lastIndex = pos;
        const i = INT_RE.exec(src);
        if (i) {
          const t = i[0].replace(/_/g, '').toLowerCase();
          const num = t.startsWith('0b') ? parseInt(t.slice(2), 2) : t.startsWith('0o') ? parseInt(t.slice(2), 8) : Number(t);
          tokens.push({ type: 'integer', value: i[0], num, line });
          advance(pos + i[0].length);
          continue;
        }
      }
      NAME_RE.lastIndex = pos;
      const n = NAME_RE.exec(src);
      if (n) {
        tokens.push({ type: 'name', value: n[0], line });
        advance(pos + n[0].length);
        continue;
      }
      const op = OPERATORS.find((o) => src.startsWith(o, pos));
      if (!op) fail(line, `unexpected char ${JSON.stringify(c)} at ${pos}`);
      if (op === '(' || op === '[' || op === '{') balance.push(op);
      else if (op === ')' || op === ']' || op === '}') {
        const want = { ')': '(', ']': '[', '}': '{' }[op as ')' | ']' | '}'];
        if (balance.length === 0) fail(line, `unexpected '${op}'`);
        const open = balance.pop();
        if (open !== want) fail(line, `unexpected '${op}', expected '${{ '(': ')', '[': ']', '{': '}' }[open as '(' | '[' | '{']}'`);
      }
      tokens.push({ type: 'operator', value: op!, line });
      advance(pos + op!.length);
    }
  }
  // like Jinja2, the end of the template is on the line of the last token
  tokens.push({ type: 'eof', value: '', line: tokens.length ? tokens[tokens.length - 1].line : 0 });
  return tokens;
}
