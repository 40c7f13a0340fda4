import { TemplateRenderError } from './errors';
import { Token, tokenize } from './lexer';

/** Expressions; `line` is 0-based in the template's file. */
export type Expr =
  | { k: 'const'; line: number; value: unknown }
  | { k: 'name'; line: number; name: string }
  | { k: 'list'; line: number; items: Expr[] }
  | { k: 'tuple'; line: number; items: Expr[] }
  | { k: 'dict'; line: number; items: [Expr, Expr][] }
  | { k: 'getattr'; line: number; obj: Expr; attr: string }
  | { k: 'getitem'; line: number; obj: Expr; key: Expr }
  | { k: 'slice'; line: number; obj: Expr; start?: Expr; stop?: Expr; step?: Expr }
  | { k: 'call'; line: number; fn: Expr; args: Args }
  | { k: 'filter'; line: number; expr: Expr; name: string; args: Args }
  | { k: 'test'; line: number; expr: Expr; name: string; args: Args; negate: boolean }
  | { k: 'unary'; line: number; op: '-' | '+' | 'not'; expr: Expr }
  | { k: 'binary'; line: number; op: string; left: Expr; right: Expr }
  | { k: 'and' | 'or'; line: number; left: Expr; right: Expr }
  | { k: 'compare'; line: number; first: Expr; ops: { op: string; expr: Expr }[] }
  | { k: 'concat'; line: number; items: Expr[] }
  | { k: 'cond'; line: number; test: Expr; then: Expr; else?: Expr };

export interface Args {
  pos: Expr[];
  kw: [string, Expr][];
  star?: Expr;
  starstar?: Expr;
}

export type Target = { k: 'name'; name: string } | { k: 'tuple'; items: Target[] } | { k: 'attr'; obj: string; attr: string };

export type Node =
  | { k: 'text'; line: number; text: string }
  | { k: 'print'; line: number; expr: Expr }
  | { k: 'for'; line: number; target: Target; iter: Expr; filter?: Expr; body: Node[]; else: Node[] }
  | { k: 'if'; line: number; branches: { test: Expr; body: Node[] }[]; else: Node[] }
  | { k: 'set'; line: number; target: Target; expr: Expr }
  | { k: 'setblock'; line: number; target: Target; body: Node[]; filters: { name: string; args: Args; line: number }[] }
  | { k: 'include'; line: number; template: Expr; ignoreMissing: boolean; withContext: boolean }
  | { k: 'with'; line: number; targets: [Target, Expr][]; body: Node[] };

export interface ParsedTemplate {
  file: string;
  body: Node[];
}

/** Filters and tests known at parse time: like Jinja2, an unknown one fails the whole template. */
export interface KnownNames {
  filters: ReadonlySet<string>;
  tests: ReadonlySet<string>;
}

const MAX_NESTING = 200;
/** Operands in one chain (`a + b + ...`): evaluated recursively, so bounded like nesting (Python's Jinja2 stops near 1000 too). */
const MAX_CHAIN = 1000;
const COMPARE_OPS = new Set(['==', '!=', '<', '<=', '>', '>=']);
const UNSUPPORTED_TAGS = new Set(['macro', 'call', 'filter', 'block', 'extends', 'import', 'from', 'autoescape', 'do', 'continue', 'break']);

export function parseTemplate(source: string, file: string, known: KnownNames): ParsedTemplate {
  return { file, body: new Parser(tokenize(source, file), file, known).parseTemplate() };
}

class Parser {
  private i = 0;
  private depth = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly file: string,
    private readonly known: KnownNames,
  ) {}

  private get cur(): Token {
    return this.tokens[this.i];
  }
  private peek(n = 1): Token {
    return this.tokens[Math.min(this.i + n, this.tokens.length - 1)];
  }
  private next(): Token {
    const t = this.tokens[this.i];
    if (this.i < this.tokens.length - 1) this.i++;
    return t;
  }
  private fail(msg: string, line = this.cur.line): never {
    throw new TemplateRenderError(this.file, line + 1, msg);
  }
  private isOp(v: string): boolean {
    return this.cur.type === 'operator' && this.cur.value === v;
  }
  private isName(v: string): boolean {
    return this.cur.type === 'name' && this.cur.value === v;
  }
  private skipOp(v: string): boolean {
    if (this.isOp(v)) {
      this.next();
      return true;
    }
    return false;
  }
  private skipName(v: string): boolean {
    if (this.isName(v)) {
      this.next();
      return true;
    }
    return false;
  }
  private expectOp(v: string): Token {
    if (!this.isOp(v)) this.fail(`expected token '${v}', got ${this.describe(this.cur)}`);
    return this.next();
  }
  private expectName(v?: string): Token {
    if (this.cur.type !== 'name' || (v !== undefined && this.cur.value !== v)) this.fail(`expected ${v ? `'${v}'` : 'a name'}, got ${this.describe(this.cur)}`);
    return this.next();
  }
  private expectType(type: Token['type']): Token {
    if (this.cur.type !== type) this.fail(`expected ${type.replace('_', ' ')}, got ${this.describe(this.cur)}`);
    return this.next();
  }
  private describe(t: Token): string {
    if (t.type === 'eof') return 'end of template';
    if (t.type === 'block_end') return 'end of statement block';
    if (t.type === 'variable_end') return 'end of print statement';
    return `'${t.value}'`;
  }
  private chain(n: number): void {
    if (n > MAX_CHAIN) this.fail(`expression chains more than ${MAX_CHAIN} operands`);
  }
  private nest<T>(f: () => T): T {
    if (++this.depth > MAX_NESTING) this.fail(`template nested deeper than ${MAX_NESTING} levels`);
    try {
      return f();
    } finally {
      this.depth--;
    }
  }

  parseTemplate(): Node[] {
    const body = this.subparse([]);
    if (this.cur.type !== 'eof') this.fail(`unexpected ${this.describe(this.cur)}`);
    return body;
  }

  /** Nodes up to a `{% <end> %}` among `ends` (left unconsumed: the cursor is on the tag's name). */
  private subparse(ends: string[], opener?: { tag: string; line: number }): Node[] {
    return this.nest(() => {
      const body: Node[] = [];
      for (;;) {
        const t = this.cur;
        if (t.type === 'eof') {
          if (opener)
            this.fail(
              `Unexpected end of template. Jinja was looking for the following tags: ${ends.map((e) => `'${e}'`).join(' or ')}. The innermost block that needs to be closed is '${opener.tag}' (line ${opener.line + 1}).`,
              t.line,
            );
          return body;
        }
        if (t.type === 'data') {
          body.push({ k: 'text', line: t.line, text: t.value });
          this.next();
        } else if (t.type === 'variable_begin') {
          this.next();
          const expr = this.parseTuple(true);
          this.expectType('variable_end');
          body.push({ k: 'print', line: t.line, expr });
        } else if (t.type === 'block_begin') {
          this.next();
          const name = this.cur;
          if (name.type === 'name' && ends.includes(name.value)) return body;
          body.push(this.parseStatement());
        } else this.fail(`unexpected ${this.describe(t)}`);
      }
    });
  }

  private endTag(): void {
    this.expectType('block_end');
  }

  private parseStatement(): Node {
    const t = this.cur;
    if (t.type !== 'name') this.fail('tag name expected');
    switch (t.value) {
      case 'for':
        return this.parseFor();
      case 'if':
        return this.parseIf();
      case 'set':
        return this.parseSet();
      case 'include':
        return this.parseInclude();
      case 'with':
        return this.parseWith();
    }
    if (UNSUPPORTED_TAGS.has(t.value)) this.fail(`the '${t.value}' tag is not supported by this renderer (tripleo-heat-templates do not use it)`);
    if (t.value.startsWith('end') || t.value === 'else' || t.value === 'elif') this.fail(`Encountered unknown tag '${t.value}'.`);
    return this.fail(`Encountered unknown tag '${t.value}'.`);
  }

  private parseFor(): Node {
    const line = this.next().line;
    const target = this.parseAssignTarget(true, ['in']);
    this.expectName('in');
    const iter = this.parseTuple(false, ['recursive']);
    let filter: Expr | undefined;
    if (this.skipName('if')) filter = this.parseExpression();
    if (this.isName('recursive')) this.fail('recursive loops are not supported by this renderer (tripleo-heat-templates do not use them)');
    this.endTag();
    const body = this.subparse(['endfor', 'else'], { tag: 'for', line });
    let elseBody: Node[] = [];
    if (this.next().value === 'else') {
      this.endTag();
      elseBody = this.subparse(['endfor'], { tag: 'for', line });
      this.next();
    }
    this.endTag();
    return { k: 'for', line, target, iter, filter, body, else: elseBody };
  }

  private parseIf(): Node {
    const line = this.next().line;
    const branches: { test: Expr; body: Node[] }[] = [];
    let test = this.parseTuple(false);
    for (;;) {
      this.endTag();
      const body = this.subparse(['elif', 'else', 'endif'], { tag: 'if', line });
      branches.push({ test, body });
      const tag = this.next().value;
      if (tag === 'elif') {
        test = this.parseTuple(false);
        continue;
      }
      if (tag === 'else') {
        this.endTag();
        const elseBody = this.subparse(['endif'], { tag: 'if', line });
        this.next();
        this.endTag();
        return { k: 'if', line, branches, else: elseBody };
      }
      this.endTag();
      return { k: 'if', line, branches, else: [] };
    }
  }

  private parseSet(): Node {
    const line = this.next().line;
    const target = this.parseAssignTarget(true, [], true);
    if (this.skipOp('=')) {
      const expr = this.parseTuple(true);
      this.endTag();
      return { k: 'set', line, target, expr };
    }
    const filters: { name: string; args: Args; line: number }[] = [];
    while (this.skipOp('|')) {
      const f = this.parseFilterName();
      filters.push({ name: f.name, args: this.isOp('(') ? this.parseArgs() : { pos: [], kw: [] }, line: f.line });
    }
    this.endTag();
    const body = this.subparse(['endset'], { tag: 'set', line });
    this.next();
    this.endTag();
    return { k: 'setblock', line, target, body, filters };
  }

  private parseInclude(): Node {
    const line = this.next().line;
    const template = this.parseExpression();
    let ignoreMissing = false;
    if (this.isName('ignore') && this.peek().type === 'name' && this.peek().value === 'missing') {
      this.next();
      this.next();
      ignoreMissing = true;
    }
    let withContext = true;
    if ((this.isName('with') || this.isName('without')) && this.peek().type === 'name' && this.peek().value === 'context') {
      withContext = this.next().value === 'with';
      this.next();
    }
    this.endTag();
    return { k: 'include', line, template, ignoreMissing, withContext };
  }

  private parseWith(): Node {
    const line = this.next().line;
    const targets: [Target, Expr][] = [];
    while (this.cur.type !== 'block_end') {
      if (targets.length) this.expectOp(',');
      const target = this.parseAssignTarget(false, []);
      this.expectOp('=');
      targets.push([target, this.parseExpression()]);
    }
    this.endTag();
    const body = this.subparse(['endwith'], { tag: 'with', line });
    this.next();
    this.endTag();
    return { k: 'with', line, targets, body };
  }

  private parseAssignTarget(withTuple: boolean, extraEnd: string[], withNamespace = false): Target {
    if (withNamespace && this.cur.type === 'name' && this.peek().type === 'operator' && this.peek().value === '.') {
      const obj = this.next().value;
      this.next();
      return { k: 'attr', obj, attr: this.expectName().value };
    }
    const one = (): Target => {
      if (this.skipOp('(')) {
        const items: Target[] = [];
        while (!this.isOp(')')) {
          if (items.length) this.expectOp(',');
          if (this.isOp(')')) break;
          items.push(one());
        }
        this.expectOp(')');
        return { k: 'tuple', items };
      }
      const n = this.expectName();
      if (['true', 'false', 'none', 'True', 'False', 'None'].includes(n.value)) this.fail(`can't assign to '${n.value}'`, n.line);
      return { k: 'name', name: n.value };
    };
    if (!withTuple) return one();
    const items: Target[] = [one()];
    let comma = false;
    while (this.skipOp(',')) {
      comma = true;
      if (this.cur.type !== 'name' && !this.isOp('(')) break;
      if (this.cur.type === 'name' && extraEnd.includes(this.cur.value)) break;
      items.push(one());
    }
    return comma ? { k: 'tuple', items } : items[0];
  }

  /** An expression, or a tuple of them separated by commas (`{{ a, b }}`, `for x in a, b`). */
  private parseTuple(withCond: boolean, extraEnd: string[] = []): Expr {
    const line = this.cur.line;
    const items: Expr[] = [];
    let comma = false;
    for (;;) {
      if (items.length) {
        if (!this.skipOp(',')) break;
        comma = true;
      }
      if (this.isTupleEnd(extraEnd)) break;
      items.push(withCond ? this.parseExpression() : this.parseOr());
    }
    if (!comma) {
      if (items.length === 0) this.fail(`Expected an expression, got ${this.describe(this.cur)}`);
      return items[0];
    }
    return { k: 'tuple', line, items };
  }

  private isTupleEnd(extraEnd: string[]): boolean {
    const t = this.cur;
    if (t.type === 'variable_end' || t.type === 'block_end' || t.type === 'eof') return true;
    if (t.type === 'operator' && (t.value === ')' || t.value === ']' || t.value === '}')) return true;
    return t.type === 'name' && extraEnd.includes(t.value);
  }

  parseExpression(): Expr {
    return this.nest(() => {
      let expr = this.parseOr();
      while (this.isName('if')) {
        const line = this.next().line;
        const test = this.parseOr();
        const otherwise = this.skipName('else') ? this.parseExpression() : undefined;
        expr = { k: 'cond', line, test, then: expr, else: otherwise };
      }
      return expr;
    });
  }

  private parseOr(): Expr {
    let left = this.parseAnd();
    let n = 0;
    while (this.isName('or')) {
      this.chain(++n);
      const line = this.next().line;
      left = { k: 'or', line, left, right: this.parseAnd() };
    }
    return left;
  }

  private parseAnd(): Expr {
    let left = this.parseNot();
    let n = 0;
    while (this.isName('and')) {
      this.chain(++n);
      const line = this.next().line;
      left = { k: 'and', line, left, right: this.parseNot() };
    }
    return left;
  }

  private parseNot(): Expr {
    if (this.isName('not')) {
      const line = this.next().line;
      return this.nest(() => ({ k: 'unary', line, op: 'not', expr: this.parseNot() }));
    }
    return this.parseCompare();
  }

  private parseCompare(): Expr {
    const line = this.cur.line;
    const first = this.parseMath1();
    const ops: { op: string; expr: Expr }[] = [];
    for (;;) {
      this.chain(ops.length);
      if (this.cur.type === 'operator' && COMPARE_OPS.has(this.cur.value)) {
        const op = this.next().value;
        ops.push({ op, expr: this.parseMath1() });
      } else if (this.skipName('in')) {
        ops.push({ op: 'in', expr: this.parseMath1() });
      } else if (this.isName('not') && this.peek().type === 'name' && this.peek().value === 'in') {
        this.next();
        this.next();
        ops.push({ op: 'notin', expr: this.parseMath1() });
      } else break;
    }
    return ops.length ? { k: 'compare', line, first, ops } : first;
  }

  private parseMath1(): Expr {
    let left = this.parseConcat();
    let n = 0;
    while (this.isOp('+') || this.isOp('-')) {
      this.chain(++n);
      const t = this.next();
      left = { k: 'binary', line: t.line, op: t.value, left, right: this.parseConcat() };
    }
    return left;
  }

  private parseConcat(): Expr {
    const line = this.cur.line;
    const items = [this.parseMath2()];
    while (this.skipOp('~')) {
      this.chain(items.length);
      items.push(this.parseMath2());
    }
    return items.length === 1 ? items[0] : { k: 'concat', line, items };
  }

  private parseMath2(): Expr {
    let left = this.parsePow();
    let n = 0;
    while (this.isOp('*') || this.isOp('/') || this.isOp('//') || this.isOp('%')) {
      this.chain(++n);
      const t = this.next();
      left = { k: 'binary', line: t.line, op: t.value, left, right: this.parsePow() };
    }
    return left;
  }

  private parsePow(): Expr {
    let left = this.parseUnary(true);
    let n = 0;
    while (this.isOp('**')) {
      this.chain(++n);
      const t = this.next();
      left = { k: 'binary', line: t.line, op: '**', left, right: this.parseUnary(true) };
    }
    return left;
  }

  private parseUnary(withFilter: boolean): Expr {
    return this.nest(() => {
      let node: Expr;
      if (this.isOp('-') || this.isOp('+')) {
        const t = this.next();
        node = { k: 'unary', line: t.line, op: t.value as '-' | '+', expr: this.parseUnary(false) };
      } else node = this.parsePostfix(this.parsePrimary());
      return withFilter ? this.parseFilterExpr(node) : node;
    });
  }

  private parsePrimary(): Expr {
    const t = this.cur;
    if (t.type === 'name') {
      this.next();
      if (t.value === 'true' || t.value === 'True') return { k: 'const', line: t.line, value: true };
      if (t.value === 'false' || t.value === 'False') return { k: 'const', line: t.line, value: false };
      if (t.value === 'none' || t.value === 'None') return { k: 'const', line: t.line, value: null };
      return { k: 'name', line: t.line, name: t.value };
    }
    if (t.type === 'string') {
      let value = this.next().value;
      while (this.cur.type === 'string') value += this.next().value;
      return { k: 'const', line: t.line, value };
    }
    if (t.type === 'integer') {
      this.next();
      return { k: 'const', line: t.line, value: t.num };
    }
    if (t.type === 'float') {
      this.next();
      return { k: 'const', line: t.line, value: { float: t.num } };
    }
    if (this.skipOp('(')) {
      const e = this.isOp(')') ? ({ k: 'tuple', line: t.line, items: [] } as Expr) : this.parseTuple(true);
      this.expectOp(')');
      return e;
    }
    if (this.skipOp('[')) {
      const items: Expr[] = [];
      while (!this.isOp(']')) {
        if (items.length) this.expectOp(',');
        if (this.isOp(']')) break;
        items.push(this.parseExpression());
      }
      this.expectOp(']');
      return { k: 'list', line: t.line, items };
    }
    if (this.skipOp('{')) {
      const items: [Expr, Expr][] = [];
      while (!this.isOp('}')) {
        if (items.length) this.expectOp(',');
        if (this.isOp('}')) break;
        const key = this.parseExpression();
        this.expectOp(':');
        items.push([key, this.parseExpression()]);
      }
      this.expectOp('}');
      return { k: 'dict', line: t.line, items };
    }
    return this.fail(`unexpected ${this.describe(t)}`);
  }

  private parsePostfix(node: Expr): Expr {
    for (;;) {
      const t = this.cur;
      if (this.isOp('.')) {
        this.next();
        const a = this.next();
        if (a.type === 'name') node = { k: 'getattr', line: t.line, obj: node, attr: a.value };
        else if (a.type === 'integer') node = { k: 'getitem', line: t.line, obj: node, key: { k: 'const', line: a.line, value: a.num } };
        else this.fail('expected name or number', a.line);
      } else if (this.isOp('[')) {
        this.next();
        node = this.parseSubscript(node, t.line);
        this.expectOp(']');
      } else if (this.isOp('(')) {
        node = { k: 'call', line: t.line, fn: node, args: this.parseArgs() };
      } else return node;
    }
  }

  private parseSubscript(obj: Expr, line: number): Expr {
    const part = (): Expr | undefined => (this.isOp(':') || this.isOp(']') ? undefined : this.parseExpression());
    const start = part();
    if (!this.isOp(':')) {
      if (!start) this.fail('expected an expression');
      if (this.isOp(',')) {
        const items = [start!];
        while (this.skipOp(',') && !this.isOp(']')) items.push(this.parseExpression());
        return { k: 'getitem', line, obj, key: { k: 'tuple', line, items } };
      }
      return { k: 'getitem', line, obj, key: start! };
    }
    this.next();
    const stop = part();
    let step: Expr | undefined;
    if (this.skipOp(':')) step = part();
    return { k: 'slice', line, obj, start, stop, step };
  }

  private parseArgs(): Args {
    this.expectOp('(');
    const args: Args = { pos: [], kw: [] };
    let first = true;
    while (!this.isOp(')')) {
      if (!first) this.expectOp(',');
      first = false;
      if (this.isOp(')')) break;
      if (this.skipOp('*')) args.star = this.parseExpression();
      else if (this.skipOp('**')) args.starstar = this.parseExpression();
      else if (this.cur.type === 'name' && this.peek().type === 'operator' && this.peek().value === '=') {
        const key = this.next().value;
        this.next();
        args.kw.push([key, this.parseExpression()]);
      } else {
        if (args.kw.length || args.star || args.starstar) this.fail('invalid syntax for function call expression');
        args.pos.push(this.parseExpression());
      }
    }
    this.expectOp(')');
    return args;
  }

  private parseFilterName(): { name: string; line: number } {
    const t = this.expectName();
    let name = t.value;
    while (this.isOp('.')) {
      this.next();
      name += '.' + this.expectName().value;
    }
    if (!this.known.filters.has(name)) this.fail(`No filter named '${name}'.`, t.line);
    return { name, line: t.line };
  }

  private parseFilterExpr(node: Expr): Expr {
    for (;;) {
      if (this.isOp('|')) {
        this.next();
        const f = this.parseFilterName();
        const args = this.isOp('(') ? this.parseArgs() : { pos: [], kw: [] };
        node = { k: 'filter', line: f.line, expr: node, name: f.name, args };
      } else if (this.isName('is')) {
        const line = this.next().line;
        const negate = this.skipName('not');
        const t = this.expectName();
        let name = t.value;
        while (this.isOp('.')) {
          this.next();
          name += '.' + this.expectName().value;
        }
        if (!this.known.tests.has(name)) this.fail(`No test named '${name}'.`, t.line);
        let args: Args = { pos: [], kw: [] };
        if (this.isOp('(')) args = this.parseArgs();
        else if (['name', 'string', 'integer', 'float'].includes(this.cur.type) || this.isOp('[') || this.isOp('{')) {
          if (!(this.cur.type === 'name' && ['else', 'or', 'and'].includes(this.cur.value))) {
            if (this.isName('is')) this.fail('You cannot chain multiple tests with is');
            args = { pos: [this.parsePostfix(this.parsePrimary())], kw: [] };
          }
        }
        node = { k: 'test', line, expr: node, name, args, negate };
      } else if (this.isOp('(')) {
        node = { k: 'call', line: this.cur.line, fn: node, args: this.parseArgs() };
      } else return node;
    }
  }
}
