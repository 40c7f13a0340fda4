import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { lint } from '../../src/cli/lintCommand';
import { TripleOLanguageService } from '../../src/language/languageService';
import { buildPlanIndex, PlanIndex, updatePlanFile } from '../../src/language/planIndex';
import { indexPlans } from '../../src/language/planFolders';
import { corpusTrees, corpusYamlFiles } from '../support/corpus';

/**
 * Seeded mutation fuzzing of everything a workspace file reaches: the index, the checks, hover,
 * completion, navigation and `tripleo lint`. FUZZ_SEED=<n> replays a run, FUZZ_INPUTS=<n> sets its size.
 */
const ROOT = path.resolve(__dirname, '../../..');
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const INPUTS = Number(process.env.FUZZ_INPUTS ?? 2000);
/** Far above what any input takes: an input over it is a hang, whatever the machine. */
const HANG_MS = 15_000;
const LINT_EVERY = 100;

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// what broke the language service before, and YAML/Heat/Jinja syntax to splice anywhere
const TOKENS = [
  '<<: ',
  '{<<: 1}',
  '{<<: *a}',
  '&a ',
  '*a',
  '*nowhere',
  '<<',
  '? ',
  ': ',
  '- ',
  '{',
  '}',
  '[',
  ']',
  ',',
  "'",
  '"',
  '\\',
  '#',
  '|',
  '>-',
  '!!binary ',
  '!!python/object ',
  '!custom ',
  '%YAML 1.2\n',
  '---\n',
  '...\n',
  '\t',
  '\n',
  '\n  ',
  '    ',
  '\u0000',
  '\uFEFF',
  '\u2028',
  '😀',
  '{% for r in roles %}',
  '{{ x }}',
  'get_param: ',
  'get_param: [',
  'get_resource: ',
  'depends_on: ',
  'type: ',
  'OS::TripleO::',
  '../',
  '../../../etc/passwd.yaml',
  'parameter_defaults:\n  ',
  'resource_registry:\n  ',
  "allowed_pattern: '(a+)+b'",
  'constraints:\n  - allowed_pattern: ',
  'a'.repeat(40),
  'hidden: true',
  'null',
  '~',
  '1e400',
  '0x1F',
  '.nan',
  'yes',
  '__proto__',
  'constructor',
  'hasOwnProperty',
  'toString',
  'heat_template_version: rocky\n',
  'topics:\n  - ',
  'environments:\n  - path: ',
];

interface Sample {
  /** path in the plan the mutated text is checked at */
  rel: string;
  text: string;
}

function samples(random: () => number): Sample[] {
  const out: Sample[] = [];
  const walk = (dir: string, rel: string, take: (s: Sample) => void) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(dir, e.name), r, take);
      else if (e.isFile() && /\.ya?ml$/.test(e.name)) take({ rel: r, text: fs.readFileSync(path.join(dir, e.name), 'utf8') });
    }
  };
  walk(path.join(ROOT, 'samples/overcloud-lite'), '', (s) => out.push(s));
  for (const tree of corpusTrees()) {
    const all: Sample[] = [...corpusYamlFiles(tree)].map(([rel, text]) => ({ rel, text }));
    // a seeded handful of each tree, at their own paths (environments stay environments)
    for (let i = 0; i < 40 && all.length; i++) out.push(all.splice(Math.floor(random() * all.length), 1)[0]);
  }
  return out;
}

function mutate(text: string, other: string, random: () => number): string {
  const pick = (n: number) => Math.floor(random() * n);
  let s = text;
  for (let k = 1 + pick(4); k > 0; k--) {
    const at = pick(s.length + 1);
    const len = pick(Math.min(80, s.length - at) + 1);
    switch (pick(8)) {
      case 0:
        s = s.slice(0, at) + s.slice(at + len);
        break; // delete
      case 1:
        s = s.slice(0, at) + s.slice(at, at + len) + s.slice(at);
        break; // duplicate
      case 2:
      case 3:
        s = s.slice(0, at) + TOKENS[pick(TOKENS.length)] + s.slice(at);
        break; // splice a token
      case 4: {
        // a line from another file
        const lines = other.split('\n');
        s = s.slice(0, at) + lines[pick(lines.length)] + '\n' + s.slice(at);
        break;
      }
      case 5: {
        // shift a line's indentation
        const lines = s.split('\n');
        const i = pick(lines.length);
        lines[i] = random() < 0.5 ? `  ${lines[i]}` : lines[i].replace(/^ {1,2}/, '');
        s = lines.join('\n');
        break;
      }
      case 6:
        s = s.slice(0, at) + String.fromCharCode(pick(0x3000)) + s.slice(at + 1);
        break; // flip a character
      default:
        s =
          s.slice(0, at) +
          s
            .slice(at, at + len)
            .split('')
            .reverse()
            .join('') +
          s.slice(at + len); // scramble
    }
  }
  return s;
}

describe('fuzz: mutated workspace files through the language service and lint', function () {
  this.timeout(300_000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tripleo-fuzz-'));
    fs.cpSync(path.join(ROOT, 'samples/overcloud-lite'), dir, { recursive: true });
    console.log(`    fuzz seed ${SEED} (FUZZ_SEED=${SEED} replays it), ${INPUTS} inputs, corpus trees: ${corpusTrees().join(', ') || 'none'}`);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('never throws, never hangs, and lint always prints its JSON', () => {
    const random = prng(SEED);
    const pool = samples(random);
    const [index] = indexPlans([dir]) as [PlanIndex];
    const service = new TripleOLanguageService();
    const pick = (n: number) => Math.floor(random() * n);
    let slowest = { ms: 0, input: -1 };
    let linted = 0;
    for (let i = 0; i < INPUTS; i++) {
      const sample = pool[pick(pool.length)];
      const text = mutate(sample.text, pool[pick(pool.length)].text, random);
      const where = `input ${i} (seed ${SEED}, from ${sample.rel})`;
      const started = Date.now();
      const uri = `${index.root}/${sample.rel}`;
      try {
        // the index keeps every mutated file it took: later inputs meet a plan that is itself damaged
        const doc = TextDocument.create(uri, 'yaml', i, text);
        updatePlanFile(index, sample.rel, text, service.analyze(doc).parsed);
        const diagnostics = service.validate(doc, [index]);
        for (let k = 0; k < 3; k++) service.hover(doc, doc.positionAt(pick(text.length + 1)), [index]);
        for (let k = 0; k < 2; k++)
          for (const item of service.completion(doc, doc.positionAt(pick(text.length + 1)), [index]).slice(0, 3)) service.resolveCompletion(item, [index]);
        const at = doc.positionAt(pick(text.length + 1));
        service.definition(doc, at, [index]);
        service.references(doc, at, [index]);
        service.documentLinks(doc, [index]);
        service.documentSymbols(doc);
        service.codeActions(doc, diagnostics, [index]);
        if (i % 25 === 0)
          buildPlanIndex(
            'file:///fuzz',
            new Map([
              [sample.rel, text],
              ['capabilities-map.yaml', random() < 0.5 ? text : ''],
            ]),
          );
        if (i % LINT_EVERY === 0) {
          const file = path.join(dir, 'environments', `fuzz-${i}.yaml`);
          fs.writeFileSync(file, text);
          const results = lint([file], dir);
          assert.ok(Array.isArray(JSON.parse(JSON.stringify(results))));
          linted++;
        }
      } catch (e) {
        assert.fail(`${where} threw: ${(e as Error).stack}\n--- input ---\n${text}`);
      } finally {
        service.forget(uri);
      }
      const ms = Date.now() - started;
      if (ms > slowest.ms) slowest = { ms, input: i };
      assert.ok(ms < HANG_MS, `${where} took ${ms} ms: a hang\n--- input ---\n${text}`);
    }
    console.log(`    slowest input: ${slowest.input} (${slowest.ms} ms); ${linted} linted in process`);
    // the whole folder with every linted input, through the bundled CLI: stdout is JSON whatever the exit code
    let stdout: string;
    try {
      stdout = execFileSync(process.execPath, [path.join(ROOT, 'dist/cli.js'), 'lint', dir, '--format', 'json'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 60_000,
      });
    } catch (e) {
      const err = e as { status: number | null; stdout: string; stderr: string };
      assert.equal(err.status, 1, `lint ended with ${err.status}: ${err.stderr}`);
      stdout = err.stdout;
    }
    assert.ok(Array.isArray(JSON.parse(stdout)));
  });
});
