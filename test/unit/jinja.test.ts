import * as assert from 'node:assert/strict';
import { PyDict, PyFloat, TemplateRenderError, fromJs, renderTemplate } from '../../src/tripleo/jinja';
import type { PyValue, TemplateLoader } from '../../src/tripleo/jinja';

const render = (src: string, ctx: Record<string, unknown> = {}, loader?: TemplateLoader) =>
  renderTemplate('t.j2.yaml', src, Object.fromEntries(Object.entries(ctx).map(([k, v]) => [k, fromJs(v)])) as Record<string, PyValue>, { loader }).text;

function renderError(src: string, ctx: Record<string, unknown> = {}, loader?: TemplateLoader): TemplateRenderError {
  try {
    render(src, ctx, loader);
  } catch (e) {
    assert.ok(e instanceof TemplateRenderError, `expected a TemplateRenderError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the render to fail');
}

const files =
  (map: Record<string, string>): TemplateLoader =>
  (name) =>
    name in map ? { path: name, source: map[name] } : undefined;

// Expected outputs below are what Python's Jinja2 3.1 (Debian python3-jinja2) renders for the same input.
describe('Jinja interpreter', () => {
  describe('whitespace', () => {
    it('drops one trailing newline and keeps the rest (keep_trailing_newline=False)', () => {
      assert.equal(render('a\n'), 'a');
      assert.equal(render('a\n\n'), 'a\n');
      assert.equal(render('a\r\nb\r\n'), 'a\nb');
    });
    it('keeps the newline after a block tag (trim_blocks=False) and the indentation before it (lstrip_blocks=False)', () => {
      assert.equal(render('x\n  {% if true %}\n  y\n  {% endif %}\nz\n'), 'x\n  \n  y\n  \nz');
    });
    it('strips whitespace, newlines included, beside a - marker', () => {
      assert.equal(render('a\n{%- if 1 %}\n b {% endif -%}  \n  c\n\n'), 'a\n b c\n');
      assert.equal(render("x {{- ' y ' -}} z {{ 5 -}}   .  {%- set a = 1 -%}  {{ a }}\n"), 'x y z 5.1');
      assert.equal(render('|  {# c #}  {#- c -#}  |'), '|  |');
    });
    it('prints raw blocks verbatim', () => {
      assert.equal(render('{% raw %}{{ x }}{% endraw %}|{%- raw -%}  {{y}}  {%- endraw -%}|'), '{{ x }}|{{y}}|');
    });
    it('reads string literals that contain the tag delimiters', () => {
      assert.equal(render("{{ '{{' }}x{{ '}}' }}{{ {'a': {'b': 1}} }}"), "{{x}}{'a': {'b': 1}}");
    });
  });

  describe('undefined', () => {
    it('prints empty, iterates empty, is false and takes defaults', () => {
      assert.equal(render('{{ x }}|{% for a in x %}a{% endfor %}|{{ x|default(3) }}|{{ x is defined }}|{% if x %}t{% else %}f{% endif %}'), '||3|False|f');
      assert.equal(render("{{ ''|default('e') }}{{ none|default('n') }}{{ false|default('f', true) }}{{ nope|d('z') }}"), 'Nonefz');
    });
    it('is an error when used, at the line of the expression', () => {
      const e = renderError('line1\n{{ x.y }}\n');
      assert.equal(e.line, 2);
      assert.equal(e.file, 't.j2.yaml');
      assert.match(e.message, /'x' is undefined/);
      assert.match(renderError('{{ d.x.y }}', { d: {} }).reason, /'dict object' has no attribute 'x'/);
      assert.match(renderError('\n\n{{ -x }}').message, /t\.j2\.yaml:3: 'x' is undefined/);
      assert.match(renderError('{{ foo() }}').reason, /'foo' is undefined/);
    });
    it('is not an error for a missing attribute of a defined value', () => {
      assert.equal(render('{{ d.a.b }}|{{ d.x is defined }}|{{ [1,2][5] }}', { d: { a: null } }), '|False|');
    });
  });

  describe('statements', () => {
    it('loops with if filters, else, loop variables, dict keys and items', () => {
      assert.equal(
        render("{% for k in {'a':1,'b':2} %}{{k}}{{loop.index0}}{{loop.first}}{{loop.last}}{{loop.length}}{{loop.revindex}}{% else %}none{% endfor %}"),
        'a0TrueFalse22b1FalseTrue21',
      );
      assert.equal(
        render("{% for k, v in {'a':1,'b':2,'c':3}.items() if v > 1 %}{{k}}{{v}}{{loop.index}}{% endfor %}{% for x in [] %}y{% else %}empty{% endfor %}"),
        'b21c32empty',
      );
      assert.equal(render('{% for i in [1] %}{% for j in [1,2] %}{{loop.index}}{% endfor %}{{loop.length}}{% endfor %}'), '121');
      assert.equal(render('{% for a, b in [(1, 2), [3, 4]] %}{{a}}-{{b}} {% endfor %}'), '1-2 3-4 ');
      assert.equal(
        render(
          "{% for k, v in {'a': [1, 2], 'b': [3, 4]}.items() %}{% for x in v %}{{ loop.index }}{{ k }}{{ x }}{{ loop.depth }}{% endfor %}{{ loop.depth }}{% endfor %}",
        ),
        '1a112a2111b312b411',
      );
      assert.equal(
        render("{% for c in 'abc' %}{{ loop.cycle('x', 'y') }}{{ c }}{% endfor %}|{% for i in range(3) %}{{ loop.previtem }}{{ loop.nextitem }}|{% endfor %}"),
        'xaybxc|1|02|1|',
      );
      assert.match(renderError('{% for a, b in [1, 2] %}{% endfor %}').reason, /cannot unpack non-iterable int object/);
    });
    it('scopes set: a set in a loop does not leak out or into the next iteration; a set in an if does', () => {
      assert.equal(render('{% set count = 1 %}{% for i in [1,2,3] %}{% set count = count + 1 %}{{count}}{% endfor %}{{count}}'), '2221');
      assert.equal(render('{% set c = 0 %}{% for i in [1,2,3] %}{{c}}{% set c = i %}{{c}}{% endfor %}'), '010203');
      assert.equal(render('{% if true %}{% set x = 5 %}{% endif %}{{x}}'), '5');
      assert.equal(render('{% set ns = namespace(n=0) %}{% for i in range(3) %}{% set ns.n = ns.n + i %}{% endfor %}{{ ns.n }}'), '3');
      assert.equal(render('{% set blk %}inner {{ 1 + 1 }}{% endset %}[{{ blk }}]'), '[inner 2]');
    });
    it('branches with if/elif/else', () => {
      const t = '{% if n == 1 %}one{% elif n == 2 %}two{% else %}many{% endif %}';
      assert.deepEqual(
        [1, 2, 3].map((n) => render(t, { n })),
        ['one', 'two', 'many'],
      );
    });
    it('mutates lists and dicts in place', () => {
      assert.equal(
        render("{% set x = [] %}{% set _ = x.append(1) %}{{x}}{{ x.append(2) }}{{x}}{% set y = {} %}{% if y.update({'k': 'v'}) %}{% endif %}{{ y }}"),
        "[1]None[1, 2]{'k': 'v'}",
      );
      assert.equal(render('{% set l = [1, 2, 3] %}{{ l.pop() }}{{ l }}{% set _ = l.extend([7]) %}{{ l }}'), '3[1, 2][1, 2, 7]');
    });
  });

  describe('include', () => {
    it('renders with the current context, loop variables included, and its sets stay inside', () => {
      const loader = files({ inc: '[{{i}}{{c}}{% set z = 9 %}{{z}}]\n', inc2: '{% set c = 7 %}' });
      assert.equal(render("{% set c = 3 %}{% for i in [1,2] %}{% include 'inc' %}{% endfor %}{{z}}", {}, loader), '[139][239]');
      assert.equal(render("{% include 'inc2' %}{{c}}", {}, loader), '');
    });
    it('is an error when the template does not exist, unless ignore missing', () => {
      assert.match(renderError("a\n{% include 'nope.j2' %}").message, /t\.j2\.yaml:2: .*nope\.j2/);
      assert.equal(render("a{% include 'nope.j2' ignore missing %}b"), 'ab');
    });
    it('detects include cycles', () => {
      const loader = files({ a: "{% include 'b' %}", b: "x{% include 'a' %}" });
      assert.match(renderError("{% include 'a' %}", {}, loader).reason, /include cycle/);
    });
  });

  describe('Python values', () => {
    it('prints lists, dicts, tuples, booleans, None and strings as Python 3 does', () => {
      assert.equal(
        render("{{ [1,'a',None,True,1.0,{'a':[1e16, 1e-5, 0.0001, -0.5]}] }} {{ \"it's\" }} {{ ['it\\'s', 'a\"b', 'x\\ny\\u00e9\\x01\\t\\\\'] }}"),
        "[1, 'a', None, True, 1.0, {'a': [1e+16, 1e-05, 0.0001, -0.5]}] it's [\"it's\", 'a\"b', 'x\\nyé\\x01\\t\\\\']",
      );
      assert.equal(render("{{ (1,2) }}{{ (1,) }}{{ () }}{{ {1: 'x', 'y': [1, (2, 3)]} }}{{ range(3) }}"), "(1, 2)(1,)(){1: 'x', 'y': [1, (2, 3)]}range(0, 3)");
      assert.equal(render("{{ ['é', '\\u2028', '\\xa0', '日本'] }}"), "['é', '\\u2028', '\\xa0', '日本']");
      assert.equal(
        render('{{ 1.0 }} {{ 0.1 + 0.2 }} {{ 10.0 / 3 }} {{ 1e22 }} {{ 1e-7 }} {{ 100.0 }} {{ 1e15 }} {{ 1e16 }}'),
        '1.0 0.30000000000000004 3.3333333333333335 1e+22 1e-07 100.0 1000000000000000.0 1e+16',
      );
    });
    it('keeps YAML floats apart from ints', () => {
      assert.equal(renderTemplate('t', '{{ v }} {{ v + 1 }} {{ n }}', { v: new PyFloat(2), n: 2 }).text, '2.0 3.0 2');
    });
    it('follows Python arithmetic, comparison, membership and concatenation', () => {
      assert.equal(render("{{ 3/2 }}{{ 4/2 }}{{ 7//2 }}{{ -7//2 }}{{ 7%3 }}{{ -7 % 3 }}{{ 2**10 }}{{ 'a'*3 }}{{ 2**-1 }}"), '1.52.03-4121024aaa0.5');
      assert.equal(
        render("{{ 1 == 1.0 }}{{ 'a' ~ 1 ~ None ~ 1.5 ~ True }}{{ [1]+[2] }}{{ 'a' in 'abc' }}{{ 1 in [1.0] }}{{ 'b' not in {'b': 1} }}{{ 1 < 2 < 3 }}"),
        'Truea1None1.5True[1, 2]TrueTrueFalseTrue',
      );
      assert.equal(render("{{ true and 'x' }}{{ 0 or [] }}{{ '' or 'y' }}{{ 1 if 0 }}{{ 2 if 0 else 3 }}"), 'x[]y3');
      assert.match(renderError('{{ 1 in none }}').reason, /argument of type 'NoneType' is not iterable/);
      assert.match(renderError("{{ 'a' < 1 }}").reason, /not supported between instances of 'str' and 'int'/);
    });
    it('looks attributes up before items, and items before attributes with []', () => {
      const d = { a: 1, items: 'x' };
      assert.equal(render("{{ d.a }}{{ d['a'] }}{{ d['items'] }}{{ d.get('zz', 5) }}{{ d.keys() }}", { d }), "11x5dict_keys(['a', 'items'])");
    });
    it('calls the string methods templates use', () => {
      assert.equal(
        render(
          "{{ 'x{}y{}'.format(1, 'a') }}{{ 'a b  c'.split() }}{{ 'a,b,c'.split(',', 1) }}{{ 'abc'.startswith(('a','z')) }}{{ 'Ab'.upper() }}{{ ' x '.strip() }}{{ 'a-b'.replace('-', '_') }}{{ '-'.join(['a', 'b']) }}",
        ),
        "x1ya['a', 'b', 'c']['a', 'b,c']TrueABxa_ba-b",
      );
      assert.equal(
        render(
          "{{ 'a b'.rsplit(None, 1) }}{{ '  a  b '.split(None, 1) }}{{ 'a-b-c'.rsplit('-', 1) }}{{ 'xxaxx'.strip('x') }}{{ '{0}-{1}-{0}'.format('a', 'b') }}{{ '{x}!'.format(x=1) }}",
        ),
        "['a', 'b']['a', 'b ']['a-b', 'c']aa-b-a1!",
      );
      assert.match(renderError("{{ 'a' + 1 }}").reason, /can only concatenate str \(not "int"\) to str/);
    });
  });

  describe('filters and tests', () => {
    it('filters like Jinja2', () => {
      assert.equal(
        render("{{ [{'a':True},{'b':1},{'a':False}]|rejectattr('a')|list }}{{ [{'a':True},{'b':1}]|selectattr('a')|list }}"),
        "[{'b': 1}, {'a': False}][{'a': True}]",
      );
      assert.equal(
        render("{{ 1.5|int }}{{ '3'|int }}{{ 'x'|int }}{{ 'ABC'|lower }}{{ [3,1]|list }}{{ 'ab'|list }}{{ '1.9'|int }}{{ 'x'|int(7) }}"),
        "130abc[3, 1]['a', 'b']17",
      );
      assert.equal(
        render(
          "{{ {'b': 1, 'a': 2}|dictsort }}{{ [3, 1, 2]|sort }}{{ ['b', 'A', 'a']|sort }}{{ [1, 2]|join(', ') }}{{ [1,2,2,1]|unique|list }}{{ [1,2]|sum }}",
        ),
        "[('a', 2), ('b', 1)][1, 2, 3]['A', 'a', 'b']1, 2[1, 2]3",
      );
      assert.equal(
        render("{{ {'a': 1}|tojson }}{{ 'a\\nb'|indent(2) }}{{ [1,2]|first }}{{ [1,2]|last }}{{ 'abc'|length }}{{ [1, 2]|map('string')|list }}"),
        "{\"a\": 1}a\n  b12['1', '2']3".replace("2['1', '2']3", "23['1', '2']"),
      );
    });
    it('title-cases like Jinja2 (the filter) and like Python (the method)', () => {
      assert.equal(render('{{ "hello-world\'s (x) 1st [ab]"|title }}|{{ "they\'re 1st".title() }}'), "Hello-World's (X) 1st [Ab]|They'Re 1St");
    });
    it('tests like Jinja2', () => {
      assert.equal(
        render("{{ 5 is divisibleby 5 }}{{ 3 is odd }}{{ 'a' is string }}{{ x is not defined }}{{ none is none }}{{ {} is mapping }}{{ 2 is in [1,2] }}"),
        'TrueTrueTrueTrueTrueTrueTrue',
      );
    });
    it('refuses an unknown filter at parse time, like Jinja2', () => {
      const e = renderError('a\n{% if false %}{{ x|nosuch }}{% endif %}');
      assert.equal(e.line, 2);
      assert.match(e.reason, /No filter named 'nosuch'/);
    });
  });

  describe('errors', () => {
    it('reports syntax errors at their line', () => {
      assert.equal(renderError('a\nb\n{% for x in y %}\nno end\n').line, 3);
      assert.match(renderError('{% for x in y %}').reason, /'endfor'/);
      assert.equal(renderError('a\n{{ 1 + }}').line, 2);
      assert.equal(renderError('a\n\n{% endif %}').line, 3);
      assert.equal(renderError("a\n{{ 'unterminated }}").line, 2);
      assert.match(renderError('{% macro m() %}{% endmacro %}').reason, /not supported/);
    });
  });

  describe('line map', () => {
    it('maps each output line to the source line that emitted its first character', () => {
      const src = 'a: 1\n{% for r in roles %}\n{{ r }}: x\n{% endfor %}\nend\n';
      const out = renderTemplate('t', src, { roles: ['p', 'q'] });
      assert.equal(out.text, 'a: 1\n\np: x\n\nq: x\n\nend');
      assert.deepEqual(
        out.lines.map((l) => l.line),
        // the empty lines start with the newline that ends the `{% for %}` and `{% endfor %}` lines
        [0, 1, 2, 1, 2, 3, 4],
      );
      assert.equal(out.lines.length, out.text.split('\n').length);
    });
    it('maps included lines into the included file', () => {
      const loader: TemplateLoader = (name) => (name === 'inc.j2' ? { path: 'dir/inc.j2', source: 'i1\ni2\n' } : undefined);
      const out = renderTemplate('top.yaml', "t0\n{% include 'inc.j2' %}\nt2\n", {}, { loader });
      assert.equal(out.text, 't0\ni1\ni2\nt2');
      assert.deepEqual(out.lines, [
        { file: 'top.yaml', line: 0 },
        { file: 'dir/inc.j2', line: 0 },
        { file: 'dir/inc.j2', line: 1 },
        { file: 'top.yaml', line: 2 },
      ]);
    });
    it('accounts for lines removed by whitespace control', () => {
      const out = renderTemplate('t', 'a\n{%- if true -%}\n\n\nb\n{%- endif %}\nc\n', {});
      assert.equal(out.text, 'ab\nc');
      assert.deepEqual(
        out.lines.map((l) => l.line),
        [0, 6],
      );
    });
  });

  describe('hostile input', () => {
    it('stops a runaway loop with an error instead of hanging', () => {
      const src = '{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}';
      const t0 = Date.now();
      assert.throws(
        () => renderTemplate('t', src, {}, { limits: { maxSteps: 1_000_000 } }),
        (e: unknown) => e instanceof TemplateRenderError && /steps/.test(e.reason),
      );
      assert.ok(Date.now() - t0 < 5000);
      assert.match(renderError('{{ range(10**12) }}').reason, /limit/);
    });
    it('refuses deep nesting without blowing the stack', () => {
      assert.match(renderError('{{ ' + '('.repeat(5000) + '1' + ')'.repeat(5000) + ' }}').reason, /nested deeper/);
      assert.match(renderError('{% if 1 %}'.repeat(1000)).reason, /nested deeper/);
      assert.match(renderError('{{ ' + 'not '.repeat(5000) + '1 }}').reason, /nested deeper/);
    });
    it('prints a list that contains itself as Python does, and fails cleanly on deep expressions', () => {
      assert.equal(render('{% set l = [1] %}{% set _ = l.append(l) %}{{ l }}'), '[1, [...]]');
      assert.match(renderError('{{ ' + '1 + '.repeat(30000) + '1 }}').reason, /more than 1000 operands/);
      assert.equal(render('{{ ' + '1 + '.repeat(500) + '1 }}'), '501');
    });
    it('keeps a huge string repetition from exhausting memory', () => {
      assert.throws(() => renderTemplate('t', "{{ 'x' * 10**10 }}", {}), TemplateRenderError);
    });
  });

  it('reads dict keys with Python equality (1, 1.0 and True are one key)', () => {
    const d = new PyDict();
    d.set(1, 'a');
    d.set(new PyFloat(1), 'b');
    d.set(true, 'c');
    assert.equal(d.size, 1);
    assert.equal(renderTemplate('t', '{{ d }}', { d }).text, "{1: 'c'}");
  });
});
