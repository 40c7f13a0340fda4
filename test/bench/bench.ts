// `npm run bench`: speed and memory of what users wait for. Prints one line per measure and writes
// test-results/bench.json. Numbers are measured here, never asserted in tests.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { TripleOLanguageService } from '../../src/language/languageService';
import { Undercloud } from '../../src/tripleo/undercloud';
import { ROOT, undercloudProfile } from '../support/undercloud';
import { benchUpload } from './uploadBench';
import { benchCorpusLanguage, benchLanguage } from './languageBench';
import { benchNodes } from './nodesBench';
import { benchRendering } from './renderBench';
import { benchPlanCreate } from './planCreateBench';

interface Measure {
  name: string;
  value: number;
  unit: string;
  detail?: string;
}
const results: Measure[] = [];
const record = (m: Measure) => {
  results.push(m);
  console.log(`${m.name.padEnd(52)} ${m.value.toFixed(m.unit === 'ms' ? 2 : 0).padStart(10)} ${m.unit}${m.detail ? `  (${m.detail})` : ''}`);
};

/** Median of `runs` timings of fn, after a warm-up. */
function time(fn: () => void, runs = 30): number {
  for (let i = 0; i < 3; i++) fn();
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    fn();
    t.push(performance.now() - s);
  }
  return t.sort((a, b) => a - b)[Math.floor(t.length / 2)];
}

function bigEnvironment(params: number): string {
  const lines = ['parameter_defaults:'];
  for (let i = 0; i < params; i++) lines.push(`  Parameter${i}: ${i % 3 ? `"value ${i}"` : i}`);
  lines.push('resource_registry:');
  for (let i = 0; i < params / 10; i++) lines.push(`  OS::TripleO::Service${i}: ../puppet/services/service-${i}.yaml`);
  return lines.join('\n') + '\n';
}

async function languageService(): Promise<void> {
  const service = new TripleOLanguageService();
  for (const n of [500, 5000]) {
    const text = bigEnvironment(n);
    let version = 0;
    // a new version every time: what a keystroke costs (parse + checks)
    const edited = () => TextDocument.create('file:///bench/environments/big.yaml', 'yaml', ++version, text);
    record({
      name: `validate after an edit, ${n} parameters`,
      value: time(() => service.validate(edited())),
      unit: 'ms',
      detail: `${(text.length / 1024).toFixed(0)} KiB`,
    });
    const doc = edited();
    service.validate(doc);
    record({ name: `hover, ${n} parameters (document parsed)`, value: time(() => service.hover(doc, { line: Math.floor(n / 2), character: 4 })), unit: 'ms' });
  }
  const sample = path.join(ROOT, 'samples/overcloud-lite');
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name));
      else if (/\.ya?ml$/.test(e.name)) files.push(path.join(d, e.name));
    }
  };
  if (fs.existsSync(sample)) walk(sample);
  const docs = files.map((f) => TextDocument.create(`file://${f}`, 'yaml', 1, fs.readFileSync(f, 'utf8')));
  if (docs.length) {
    record({
      name: `validate every file of samples/overcloud-lite`,
      value: time(() => docs.forEach((d) => new TripleOLanguageService().validate(d))),
      unit: 'ms',
      detail: `${docs.length} files`,
    });
  }
  global.gc?.();
  record({ name: 'bench process heap used', value: process.memoryUsage().heapUsed / 1024 / 1024, unit: 'MiB' });
}

/** The language server on a generated tripleo-heat-templates-sized plan, against the bare parse. */
async function languageServer(): Promise<void> {
  const { measures, goals } = await benchLanguage(ROOT);
  for (const m of measures) record({ ...m, name: `language: ${m.name}` });
  for (const [text, ok] of goals) console.log(`  ${ok ? 'met ' : 'MISS'} ${text}`);
  // the same on a released tree, rendered (the corpus)
  const corpus = await benchCorpusLanguage(ROOT);
  for (const m of corpus.measures) record({ ...m, name: `language: ${m.name}` });
  for (const [text, ok] of corpus.goals) console.log(`  ${ok ? 'met ' : 'MISS'} ${text}`);
}

/** Jinja rendering of the corpus trees against Python's Jinja2 doing the same processing. */
function rendering(): void {
  const measures = benchRendering();
  if (measures.length === 0) console.log('rendering measures skipped: no tripleo-heat-templates corpus (THT_CORPUS)');
  for (const m of measures) {
    record({ name: `render ${m.name}: ours`, value: m.ours, unit: 'ms', detail: `${m.files} files` });
    record({ name: `render ${m.name}: Python Jinja2 as tripleo-common`, value: m.python, unit: 'ms' });
    record({ name: `render ${m.name}: Python Jinja2 compiling once`, value: m.pythonCompileOnce, unit: 'ms' });
    const best = Math.min(m.python, m.pythonCompileOnce);
    console.log(`  ${m.ours <= best ? 'met ' : 'MISS'} ${m.name}: fastest Python / ours = ${(best / m.ours).toFixed(2)} (goal >= 1)`);
  }
}

async function undercloud(): Promise<void> {
  let uc: Undercloud;
  try {
    uc = new Undercloud(undercloudProfile());
  } catch (e) {
    console.log(`undercloud measures skipped: ${(e as Error).message}`);
    return;
  }
  try {
    let s = performance.now();
    await uc.connect();
    record({ name: 'connect (Keystone password auth)', value: performance.now() - s, unit: 'ms' });
    s = performance.now();
    await uc.swift.listContainers();
    record({ name: 'list Swift containers (token reused)', value: performance.now() - s, unit: 'ms' });
  } catch (e) {
    console.log(`undercloud measures skipped: ${(e as Error).message} (npm run undercloud:up)`);
  } finally {
    uc.dispose();
  }
}

async function nodes(): Promise<void> {
  const uc = new Undercloud(undercloudProfile());
  try {
    for (const m of await benchNodes(uc)) record({ name: `nodes ${m.name}`, value: m.seconds * 1000, unit: 'ms' });
  } catch (e) {
    console.log(`node measures skipped: ${(e as Error).message}`);
  } finally {
    uc.dispose();
  }
}

function openstackEnv(profile: ReturnType<typeof undercloudProfile>): NodeJS.ProcessEnv {
  return {
    ...process.env,
    OS_AUTH_URL: profile.auth.authUrl,
    OS_USERNAME: profile.auth.username,
    OS_PASSWORD: profile.auth.password,
    OS_PROJECT_NAME: profile.auth.projectName,
    OS_USER_DOMAIN_NAME: 'Default',
    OS_PROJECT_DOMAIN_NAME: 'Default',
    OS_IDENTITY_API_VERSION: '3',
  };
}

async function upload(): Promise<void> {
  const profile = undercloudProfile();
  const uc = new Undercloud(profile);
  const env = openstackEnv(profile);
  try {
    const m = await benchUpload(uc, env);
    for (const x of m)
      record({ name: `upload ${x.name}`, value: x.seconds * 1000, unit: 'ms', detail: x.requests !== undefined ? `${x.requests} requests` : undefined });
    const get = (n: string) => m.find((x) => x.name === n)!.seconds;
    const floor = Math.min(get('floor: 16 parallel keep-alive PUTs'), get('floor: one extract-archive PUT'));
    const first = get('ours: first upload');
    const again = m.find((x) => x.name === 'ours: unchanged re-upload')!;
    const goals = [
      [`first upload / floor = ${(first / floor).toFixed(2)} (goal <= 1.25)`, first / floor <= 1.25],
      [`swift upload / ours = ${(get('swift upload: first upload') / first).toFixed(2)} (goal >= 1.8)`, get('swift upload: first upload') / first >= 1.8],
      [
        `unchanged: swift --skip-identical / ours = ${(get('swift upload --skip-identical: unchanged') / again.seconds).toFixed(1)} (goal >= 20)`,
        get('swift upload --skip-identical: unchanged') / again.seconds >= 20,
      ],
      [`unchanged re-upload requests = ${again.requests} (goal <= 2)`, (again.requests ?? 99) <= 2],
    ] as const;
    for (const [text, ok] of goals) console.log(`  ${ok ? 'met ' : 'MISS'} ${text}`);
  } catch (e) {
    console.log(`upload measures skipped: ${(e as Error).message}`);
  } finally {
    uc.dispose();
  }
}

async function planCreate(): Promise<void> {
  const profile = undercloudProfile();
  const uc = new Undercloud(profile);
  try {
    const m = await benchPlanCreate(uc, openstackEnv(profile));
    for (const x of m) record({ name: `queens ${x.name}`, value: x.seconds * 1000, unit: 'ms' });
    const get = (n: string) => m.find((x) => x.name === n)!.seconds;
    const create = get('plan create');
    const budget = 1.25 * get('floor: 16 parallel keep-alive PUTs') + get('create workflow alone');
    const goals = [
      [`plan create / (1.25 x floor + workflow) = ${(create / budget).toFixed(2)} (goal <= 1)`, create <= budget],
      [
        `swift upload / plan create = ${(get('swift upload of the rendered tree') / create).toFixed(2)} (goal >= 1.6)`,
        get('swift upload of the rendered tree') / create >= 1.6,
      ],
    ] as const;
    for (const [text, ok] of goals) console.log(`  ${ok ? 'met ' : 'MISS'} ${text}`);
  } catch (e) {
    console.log(`plan create measures skipped: ${(e as Error).message}`);
  } finally {
    uc.dispose();
  }
}

(async () => {
  if (process.argv.includes('--rendering-only')) {
    rendering();
    return;
  }
  await languageService();
  await languageServer();
  rendering();
  // --language-only: what needs no undercloud
  if (!process.argv.includes('--language-only')) {
    await undercloud();
    if (!process.argv.includes('--no-upload')) await upload();
    if (!process.argv.includes('--no-nodes')) await nodes();
    if (!process.argv.includes('--no-plan-create')) await planCreate();
  }
  fs.mkdirSync(path.join(ROOT, 'test-results'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, 'test-results/bench.json'), JSON.stringify({ date: new Date().toISOString(), results }, null, 2));
})();
