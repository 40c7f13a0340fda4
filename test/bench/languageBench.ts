// The language server on a plan the shape and size of tripleo-heat-templates, side by side with
// the floor: the `yaml` package alone parsing every file.
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  CompletionRequest,
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  IPCMessageReader,
  IPCMessageWriter,
  LogMessageNotification,
  PublishDiagnosticsNotification,
  ShutdownRequest,
} from 'vscode-languageserver-protocol/node';
import { parseDocument } from 'yaml';
import { TripleOLanguageService } from '../../src/language/languageService';
import { buildPlanIndex, updatePlanFile } from '../../src/language/planIndex';
import { indexPlans } from '../../src/language/planFolders';
import { readTree } from '../support/files';
import { corpusTree, corpusTrees } from '../support/corpus';
import { renderPlanTemplates } from '../../src/tripleo/templateRendering';

export interface LanguageMeasure {
  name: string;
  value: number;
  unit: 'ms' | 'MiB';
  detail?: string;
}

const COMMON = ['ServiceData', 'ServiceNetMap', 'EndpointMap', 'RoleParameters'];
const SERVICES = [
  'nova',
  'neutron',
  'cinder',
  'glance',
  'keystone',
  'swift',
  'heat',
  'ironic',
  'manila',
  'octavia',
  'horizon',
  'aodh',
  'gnocchi',
  'panko',
  'barbican',
  'designate',
  'zaqar',
  'mistral',
  'sahara',
  'tacker',
  'ceilometer',
  'memcached',
  'rabbitmq',
  'mysql',
  'haproxy',
  'redis',
  'pacemaker',
  'ovn',
  'qdr',
  'etcd',
];
const PARTS = ['api', 'scheduler', 'conductor', 'worker', 'engine', 'agent', 'metadata', 'compute', 'volume', 'backup'];

/** Lines of a parameter declaration in a template. */
function declaration(name: string, i: number): string[] {
  const kinds = [
    ['type: string', `default: '${name.toLowerCase()}-default'`],
    ['type: number', `default: ${i % 100}`, 'constraints:', '  - range: {min: 0, max: 1000}'],
    ['type: boolean', 'default: false'],
    ['type: json', 'default: {}'],
    ['type: comma_delimited_list', "default: ''"],
    ['type: string', "default: 'info'", 'constraints:', '  - allowed_values: [debug, info, warning, error]'],
    ['type: string', 'hidden: true'],
  ];
  return [
    `  ${name}:`,
    ...kinds[i % kinds.length].map((l) => `    ${l}`),
    `    description: >`,
    `      ${name} of the service: what it sets in the service's configuration files`,
    `      and hieradata, generated for the benchmark (${i}); the value applies to every role.`,
  ];
}

/** A plan folder shaped like tripleo-heat-templates; returns the path of a 1,000-line environment file in it. */
export function generatePlan(dir: string): { files: number; bytes: number; definitions: number; bigEnvironment: string; names: string[] } {
  const written: string[] = [];
  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.join(dir, path.dirname(rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
    written.push(rel);
  };
  let definitions = 0;
  const names: string[] = [];
  // the kinds of declaration (see `declaration`) each name was given, for values that fit it
  const kinds = new Map<string, Set<number>>();
  const template = (rel: string, params: string[], typeOf = 'OS::Heat::Value') => {
    definitions += params.length;
    const lines = [
      'heat_template_version: rocky',
      '',
      `description: >`,
      `  ${rel}: generated like a tripleo-heat-templates service template.`,
      '',
      'parameters:',
    ];
    params.forEach((p, i) => {
      lines.push(...declaration(p, i + rel.length));
      kinds.set(p, (kinds.get(p) ?? new Set()).add((i + rel.length) % 7));
    });
    lines.push(
      '',
      'resources:',
      '  RoleParametersValue:',
      `    type: ${typeOf}`,
      '    properties:',
      '      type: json',
      '      value:',
      '        map_replace:',
      '          - map_replace:',
    );
    for (const p of params.slice(COMMON.length)) lines.push(`            - ${p.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`).slice(1)}: ${p}`);
    lines.push('            - values: {get_param: [RoleParameters]}', '          - values:');
    for (const p of params.slice(COMMON.length)) lines.push(`              ${p}: {get_param: ${p}}`);
    lines.push(
      '',
      'outputs:',
      '  role_data:',
      '    description: Role data for the service.',
      '    value:',
      `      service_name: ${path.basename(rel, '.yaml').replace(/-/g, '_')}`,
      '      config_settings:',
      '        map_merge:',
      '          - get_attr: [RoleParametersValue, value]',
      '          - service_debug: {get_param: Debug}',
      '            endpoints: {get_param: [EndpointMap, KeystoneInternal, uri]}',
    );
    write(rel, lines.join('\n') + '\n');
  };
  const registry: string[] = [];
  let service = 0;
  for (const s of SERVICES) {
    for (const part of PARTS) {
      if (service >= 270) break;
      const base = `${s}-${part}`;
      const camel = base.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase());
      const own = [`${camel}Workers`, `${camel}LoggingSource`, `${camel}Password`, `${camel}ExtraConfig`];
      names.push(...own);
      const rel = service % 3 === 0 ? `puppet/services/${base}.yaml` : `deployment/${s}/${base}-container-puppet.yaml`;
      template(rel, [...COMMON, 'Debug', ...own]);
      registry.push(`  OS::TripleO::Services::${camel}: ${rel}`);
      service++;
    }
  }
  for (let i = 0; i < 30; i++)
    template(`network/ports/port-${i}.yaml`, ['ControlPlaneIP', 'IPPool', 'NodeIndex', `Port${i}Name`, `Port${i}Subnet`], 'OS::Neutron::Port');
  for (let i = 0; i < 24; i++) template(`extraconfig/pre_deploy/config-${i}.yaml`, ['server', 'DeployIdentifier', `ExtraConfig${i}`, `ExtraConfig${i}Enabled`]);
  const rootParams = ['Debug', 'DeployIdentifier', 'StackAction', 'CloudName', 'NtpServer', 'TimeZone', 'AdminPassword'];
  for (let i = 0; rootParams.length < 100; i++) rootParams.push(`RootParameter${i}`);
  names.push(...rootParams);
  template('overcloud.yaml', rootParams, 'OS::TripleO::Services::NovaApi');
  for (let i = 0; i < 16; i++) {
    write(
      `puppet/role-${i}.role.j2.yaml`,
      `heat_template_version: rocky\n{% for role in roles %}\nparameters:\n  {{role.name}}Count:\n    type: number\nresources:\n  {{role.name}}Server:\n    type: OS::TripleO::{{role.name}}Server\n  Config:\n    type: OS::TripleO::Role${i}::Config\n{% endfor %}\n`,
    );
  }
  write(
    'overcloud-resource-registry-puppet.j2.yaml',
    `resource_registry:\n${registry.join('\n')}\n{% for role in roles %}\n  OS::TripleO::{{role.name}}: puppet/role.yaml\n{% endfor %}\n`,
  );
  // environments: 80 in the map, a few outside it
  const envs: string[] = [];
  for (let i = 0; i < 110; i++) {
    const rel = `environments/feature-${String(i).padStart(2, '0')}.yaml`;
    const lines = [
      `# Feature ${i}: generated environment`,
      'resource_registry:',
      `  ${registry[(i * 3) % registry.length].trim().split(':').slice(0, -1).join(':')}: ../${registry[(i * 3) % registry.length].split(': ')[1]}`,
      'parameter_defaults:',
    ];
    for (let j = 0; j < 12; j++) lines.push(`  ${names[(i * 17 + j * 5) % names.length]}: ${j % 2 ? "'x'" : 1}`);
    write(rel, lines.join('\n') + '\n');
    envs.push(rel);
  }
  const topics: string[] = ['root_template: overcloud.yaml', 'root_environment: overcloud-resource-registry-puppet.yaml', 'topics:'];
  for (let t = 0; t < 8; t++) {
    topics.push(`  - title: Topic ${t}`, `    description: Generated topic ${t}.`, '    environment_groups:');
    for (let g = 0; g < 2; g++) {
      topics.push(`      - title: Group ${t}.${g}`, `        description: Generated group.`, `        mutually_exclusive: ${g === 1}`, '        environments:');
      for (let e = 0; e < 5; e++) {
        const n = t * 10 + g * 5 + e;
        topics.push(`          - file: ${envs[n]}`, `            title: Feature ${n}`, `            description: Turns on generated feature ${n}.`);
        if (e === 4 && g === 0) topics.push('            requires:', `              - ${envs[n - 1]}`);
      }
    }
  }
  write('capabilities-map.yaml', topics.join('\n') + '\n');
  write(
    'plan-environment.yaml',
    `version: 1.0\nname: overcloud\ntemplate: overcloud.yaml\nenvironments:\n  - path: overcloud-resource-registry-puppet.yaml\n  - path: ${envs[0]}\n  - path: ${envs[11]}\n`,
  );
  write(
    'roles_data.yaml',
    Array.from(
      { length: 12 },
      (_, i) =>
        `- name: Role${i}\n  CountDefault: 1\n  ServicesDefault:\n${registry
          .slice(i * 20, i * 20 + 20)
          .map((r) => `    - ${r.trim().split(':').slice(0, -1).join(':')}`)
          .join('\n')}`,
    ).join('\n') + '\n',
  );
  // the 1,000-line environment file a user edits
  const big = ['# A large site environment', 'resource_registry:'];
  for (let i = 0; i < 60; i++) big.push(`  ${registry[i].trim().split(':').slice(0, -1).join(':')}: ../${registry[i].split(': ')[1]}`);
  big.push('parameter_defaults:');
  // known parameters with values of their type, and a few misspelled ones as in any real file
  const typed = names.filter((n) => kinds.get(n)?.size === 1);
  const valueOf = (kind: number, i: number) => [`'value-${i}'`, String(i % 1000), 'true', '{}', "'a,b'", 'warning', `'secret-${i}'`][kind];
  for (let i = 0; big.length < 1000; i++) big.push(`  ${typed[i]}${i % 200 === 199 ? 'x' : ''}: ${valueOf([...kinds.get(typed[i])!][0], i)}`);
  write('environments/site-large.yaml', big.join('\n') + '\n');
  const bytes = written.reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);
  return { files: written.length, bytes, definitions, bigEnvironment: 'environments/site-large.yaml', names };
}

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

function median(fn: () => void, runs: number): number {
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    fn();
    t.push(performance.now() - s);
  }
  return percentile(t, 50);
}

/** Measures the in-process service, then the real server (dist/server.js) over IPC. */
export async function benchLanguage(root: string): Promise<{ measures: LanguageMeasure[]; goals: [string, boolean][] }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tripleo-bench-plan-'));
  const out: LanguageMeasure[] = [];
  try {
    const plan = generatePlan(dir);
    const texts = readTree(dir);
    const shape = `${plan.files} files, ${(plan.bytes / 1e6).toFixed(2)} MB, ${plan.definitions} parameter definitions`;
    console.log(
      `plan: ${shape}; load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} on ${os.cpus().length} CPUs`,
    );

    // warm both paths once so that neither pays the JIT alone
    for (const t of texts.values()) parseDocument(t, { version: '1.1', uniqueKeys: false });
    indexPlans([dir]);
    // floor and index alternate, so that both see the same load of the machine
    const floorRuns: number[] = [];
    const readRuns: number[] = [];
    const indexRuns: number[] = [];
    for (let run = 0; run < 9; run++) {
      // each run starts from a collected heap: neither pays for the garbage of the other
      global.gc?.();
      let s = performance.now();
      for (const t of texts.values()) parseDocument(t, { version: '1.1', uniqueKeys: false });
      floorRuns.push(performance.now() - s);
      global.gc?.();
      s = performance.now();
      for (const f of texts.keys()) parseDocument(fs.readFileSync(path.join(dir, f), 'utf8'), { version: '1.1', uniqueKeys: false });
      readRuns.push(performance.now() - s);
      global.gc?.();
      s = performance.now();
      indexPlans([dir]);
      indexRuns.push(performance.now() - s);
    }
    out.push({ name: 'floor: yaml parseDocument of every file (in memory)', value: percentile(floorRuns, 50), unit: 'ms', detail: shape });
    out.push({ name: 'floor: read + parse every file', value: percentile(readRuns, 50), unit: 'ms' });
    const [index] = indexPlans([dir]);
    out.push({
      name: 'cold index of the plan (walk, read, parse, summarize)',
      value: percentile(indexRuns, 50),
      unit: 'ms',
      detail: `${index.parameters.size} parameters, ${index.resourceTypes.size} resource types`,
    });
    out.push({ name: 'index of the plan from memory', value: median(() => buildPlanIndex(index.root, texts), 7), unit: 'ms' });

    const uri = `${index.root}/${plan.bigEnvironment}`;
    const bigText = texts.get(plan.bigEnvironment)!;
    const lines = bigText.split('\n');
    // cold: a new service and a new index, so that no check or suggestion is remembered
    const fresh = [...Array(15)].map(() => buildPlanIndex(index.root, texts));
    const full = median(() => new TripleOLanguageService().validate(TextDocument.create(uri, 'yaml', 1, bigText), [fresh.pop()!]), 15);
    const diagnostics = new TripleOLanguageService().validate(TextDocument.create(uri, 'yaml', 1, bigText), [index]);
    out.push({ name: `full diagnostics of a ${lines.length - 1}-line environment file`, value: full, unit: 'ms', detail: `${diagnostics.length} diagnostics` });

    // one-line edits at spread-out lines, each a new version: parse what changed, re-index the file, check it
    const service = new TripleOLanguageService();
    let doc = TextDocument.create(uri, 'yaml', 1, bigText);
    service.validate(doc, [index]);
    const edits: number[] = [];
    // CPU time too: on a busy machine the wall clock also counts the time other processes had the CPU
    const editsCpu: number[] = [];
    global.gc?.();
    for (let i = 0; i < 1000; i++) {
      const line = 70 + ((i * 37) % (lines.length - 80));
      const old = doc.getText({ start: { line, character: 0 }, end: { line, character: 1000 } });
      const changed = old.replace(/: .*$/, `: 'edited-${i}'`);
      const s = performance.now();
      const c = process.cpuUsage();
      doc = TextDocument.update(doc, [{ range: { start: { line, character: 0 }, end: { line, character: old.length } }, text: changed }], doc.version + 1);
      updatePlanFile(index, plan.bigEnvironment, doc.getText(), service.analyze(doc).parsed);
      service.validate(doc, [index]);
      edits.push(performance.now() - s);
      const used = process.cpuUsage(c);
      editsCpu.push((used.user + used.system) / 1000);
    }
    out.push({ name: 're-check after a one-line edit (p50)', value: percentile(edits, 50), unit: 'ms' });
    out.push({ name: 're-check after a one-line edit (p95)', value: percentile(edits, 95), unit: 'ms' });
    out.push({
      name: 're-check after a one-line edit, CPU time (p50 / p95)',
      value: percentile(editsCpu, 95),
      unit: 'ms',
      detail: `p50 ${percentile(editsCpu, 50).toFixed(2)} ms`,
    });

    const hovers: number[] = [];
    const completions: number[] = [];
    const valueCompletions: number[] = [];
    let items = 0;
    global.gc?.();
    for (let i = 0; i < 1000; i++) {
      const line = 62 + ((i * 13) % (lines.length - 70));
      let s = performance.now();
      service.hover(doc, { line, character: 4 }, [index]);
      hovers.push(performance.now() - s);
      s = performance.now();
      items = service.completion(doc, { line, character: 2 }, [index]).length;
      completions.push(performance.now() - s);
      const colon = doc.getText({ start: { line, character: 0 }, end: { line, character: 1000 } }).indexOf(': ');
      s = performance.now();
      service.completion(doc, { line, character: colon + 2 }, [index]);
      valueCompletions.push(performance.now() - s);
    }
    out.push({ name: 'hover on a parameter (p50)', value: percentile(hovers, 50), unit: 'ms' });
    out.push({ name: 'hover on a parameter (p95)', value: percentile(hovers, 95), unit: 'ms' });
    out.push({ name: 'completion of parameter names (p50)', value: percentile(completions, 50), unit: 'ms', detail: `${items} items` });
    out.push({ name: 'completion of parameter names (p95)', value: percentile(completions, 95), unit: 'ms' });
    out.push({ name: 'completion of a value (p95)', value: percentile(valueCompletions, 95), unit: 'ms' });

    out.push(...(await benchServer(root, dir, plan.bigEnvironment, bigText)));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const get = (prefix: string) => out.find((m) => m.name.startsWith(prefix))?.value ?? NaN;
  const ratio = get('cold index') / get('floor: yaml parseDocument');
  const goals: [string, boolean][] = [
    [`cold index / bare parse = ${ratio.toFixed(2)} (goal <= 1.5)`, ratio <= 1.5],
    [`re-check after an edit p95 = ${get('re-check after a one-line edit (p95)').toFixed(2)} ms (goal < 10)`, get('re-check after a one-line edit (p95)') < 10],
    [`hover p95 = ${get('hover on a parameter (p95)').toFixed(2)} ms (goal < 5)`, get('hover on a parameter (p95)') < 5],
    [
      `completion p95 = ${Math.max(get('completion of parameter names (p95)'), get('completion of a value (p95)')).toFixed(2)} ms (goal < 5)`,
      Math.max(get('completion of parameter names (p95)'), get('completion of a value (p95)')) < 5,
    ],
    [`server RSS = ${get('language server RSS').toFixed(0)} MiB (goal < 150)`, get('language server RSS') < 150],
  ];
  return { measures: out, goals };
}

/** Starts dist/server.js as VS Code does (IPC), opens the big file, and reads the process's memory. */
async function benchServer(root: string, dir: string, file: string, text: string): Promise<LanguageMeasure[]> {
  const child = fork(path.join(root, 'dist/server.js'), ['--node-ipc'], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const connection = createProtocolConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
  const out: LanguageMeasure[] = [];
  try {
    let indexed: (ms: number) => void;
    const indexedAt = new Promise<number>((r) => (indexed = r));
    const started = performance.now();
    connection.onNotification(LogMessageNotification.type, (m) => {
      if (/^indexed \d+ plan folder/.test(m.message)) indexed(performance.now() - started);
    });
    const diagnostics = new Map<number, () => void>();
    connection.onNotification(PublishDiagnosticsNotification.type, (p) => diagnostics.get(p.version ?? -1)?.());
    connection.listen();
    const folder = pathToFileURL(dir).href;
    await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: folder,
      workspaceFolders: [{ uri: folder, name: 'plan' }],
      capabilities: {},
    });
    await connection.sendNotification(InitializedNotification.type, {});
    out.push({ name: 'server: start and index the workspace', value: await indexedAt, unit: 'ms' });
    const uri = pathToFileURL(path.join(dir, file)).href;
    const published = (version: number) => new Promise<void>((r) => diagnostics.set(version, r));
    let s = performance.now();
    let wait = published(1);
    await connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    await wait;
    out.push({ name: 'server: open the 1,000-line file until its diagnostics', value: performance.now() - s, unit: 'ms' });
    const hover: number[] = [];
    const completion: number[] = [];
    for (let i = 0; i < 200; i++) {
      const line = 62 + ((i * 13) % 900);
      s = performance.now();
      await connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character: 4 } });
      hover.push(performance.now() - s);
      s = performance.now();
      await connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line, character: 2 } });
      completion.push(performance.now() - s);
    }
    out.push({ name: 'server: hover round trip (p95)', value: percentile(hover, 95), unit: 'ms' });
    out.push({ name: 'server: completion round trip (p95)', value: percentile(completion, 95), unit: 'ms' });
    for (let v = 2; v < 12; v++) {
      wait = published(v);
      await connection.sendNotification(DidChangeTextDocumentNotification.type, {
        textDocument: { uri, version: v },
        contentChanges: [{ range: { start: { line: 100 + v, character: 2 }, end: { line: 100 + v, character: 2 } }, text: 'X' }],
      });
      await wait;
    }
    const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
    out.push({ name: 'language server RSS (after index, edits, hovers)', value: kib('VmRSS') / 1024, unit: 'MiB' });
    out.push({ name: 'language server peak RSS', value: kib('VmHWM') / 1024, unit: 'MiB' });
    await connection.sendRequest(ShutdownRequest.type);
    await connection.sendNotification(ExitNotification.type);
  } finally {
    connection.dispose();
    if (child.exitCode === null) child.kill();
  }
  return out;
}

/**
 * The same measures on a released tree (queens, rendered): the index renders the Jinja sources in
 * memory, so the floor is the bare parse of the same files Heat reads: the tree's YAML and the
 * rendered files. Without the corpus it says so and measures nothing.
 */
export async function benchCorpusLanguage(root: string, tree = 'queens'): Promise<{ measures: LanguageMeasure[]; goals: [string, boolean][] }> {
  const out: LanguageMeasure[] = [];
  if (!corpusTrees().includes(tree)) {
    console.log(`language on ${tree}: skipped (no tripleo-heat-templates corpus; set THT_CORPUS)`);
    return { measures: out, goals: [] };
  }
  const dir = corpusTree(tree);
  const texts = readTree(dir);
  const yaml = [...texts].filter(([p]) => /\.ya?ml$/.test(p) && !/\.j2\.ya?ml$/.test(p));
  const rendered = renderPlanTemplates(texts).rendered.map((r) => r.text);
  const parsed = [...yaml.map(([, t]) => t), ...rendered];
  const shape = `${yaml.length} YAML files + ${rendered.length} rendered, ${(parsed.reduce((n, t) => n + t.length, 0) / 1e6).toFixed(2)} MB`;
  const cpu = (fn: () => void) => {
    const c = process.cpuUsage();
    fn();
    const u = process.cpuUsage(c);
    return (u.user + u.system) / 1000;
  };
  for (const t of parsed) parseDocument(t, { version: '1.1', uniqueKeys: false });
  indexPlans([dir]);
  const floorRuns: number[] = [];
  const indexRuns: number[] = [];
  for (let run = 0; run < 5; run++) {
    global.gc?.();
    floorRuns.push(cpu(() => parsed.forEach((t) => parseDocument(t, { version: '1.1', uniqueKeys: false }))));
    global.gc?.();
    indexRuns.push(cpu(() => indexPlans([dir])));
  }
  const floor = percentile(floorRuns, 50);
  out.push({ name: `${tree}: floor: yaml parseDocument of the same files (CPU)`, value: floor, unit: 'ms', detail: shape });
  out.push({ name: `${tree}: cold index, rendering included (CPU)`, value: percentile(indexRuns, 50), unit: 'ms' });
  const [index] = indexPlans([dir]);
  const docs = [...texts].filter(([p]) => /\.ya?ml$/.test(p)).map(([p, t]) => TextDocument.create(`${index.root}/${p}`, 'yaml', 1, t));
  let count = 0;
  const full = cpu(() => {
    const service = new TripleOLanguageService();
    for (const d of docs) count += service.validate(d, [index]).length;
  });
  out.push({ name: `${tree}: full diagnostics of every file (CPU)`, value: full, unit: 'ms', detail: `${docs.length} files, ${count} diagnostics` });

  // edits, hovers and completions in the tree's largest plain environment file
  const [file, text] = yaml.filter(([p, t]) => p.startsWith('environments/') && t.includes('parameter_defaults:')).sort((a, b) => b[1].length - a[1].length)[0];
  const uri = `${index.root}/${file}`;
  const service = new TripleOLanguageService();
  let doc = TextDocument.create(uri, 'yaml', 1, text);
  service.validate(doc, [index]);
  const lines = text.split('\n');
  const keyLines = lines.map((l, i) => (/^\s{2}\w+:\s*\S/.test(l) ? i : -1)).filter((i) => i >= 0);
  const edits: number[] = [];
  for (let i = 0; i < 300; i++) {
    const line = keyLines[i % keyLines.length];
    const old = doc.getText({ start: { line, character: 0 }, end: { line, character: 1000 } }).replace(/\r?\n$/, '');
    edits.push(
      cpu(() => {
        doc = TextDocument.update(
          doc,
          [{ range: { start: { line, character: 0 }, end: { line, character: old.length } }, text: old.replace(/: .*$/, `: 'edited-${i}'`) }],
          doc.version + 1,
        );
        updatePlanFile(index, file, doc.getText(), service.analyze(doc).parsed);
        service.validate(doc, [index]);
      }),
    );
  }
  out.push({
    name: `${tree}: re-check after a one-line edit of ${file}, CPU (p95)`,
    value: percentile(edits, 95),
    unit: 'ms',
    detail: `p50 ${percentile(edits, 50).toFixed(2)} ms`,
  });
  const hovers: number[] = [];
  const completions: number[] = [];
  for (let i = 0; i < 300; i++) {
    const line = keyLines[(i * 7) % keyLines.length];
    hovers.push(cpu(() => service.hover(doc, { line, character: 4 }, [index])));
    completions.push(cpu(() => service.completion(doc, { line, character: 2 }, [index])));
  }
  out.push({ name: `${tree}: hover on a parameter, CPU (p95)`, value: percentile(hovers, 95), unit: 'ms' });
  out.push({
    name: `${tree}: completion of parameter names, CPU (p95)`,
    value: percentile(completions, 95),
    unit: 'ms',
    detail: `${index.parameters.size} parameters`,
  });
  const server = await benchServer(root, dir, file, text);
  out.push(...server.map((m) => ({ ...m, name: `${tree}: ${m.name}` })));
  const get = (prefix: string) => out.find((m) => m.name.startsWith(`${tree}: ${prefix}`))?.value ?? NaN;
  const goals: [string, boolean][] = [
    [`${tree}: cold index / bare parse = ${(get('cold index') / floor).toFixed(2)} (goal <= 1.5)`, get('cold index') / floor <= 1.5],
    [`${tree}: full diagnostics / bare parse = ${(get('full diagnostics') / floor).toFixed(2)} (goal <= 1.5)`, get('full diagnostics') / floor <= 1.5],
    [`${tree}: re-check after an edit p95 = ${get('re-check').toFixed(2)} ms CPU (goal < 10)`, get('re-check') < 10],
    [`${tree}: hover p95 = ${get('hover').toFixed(2)} ms (goal < 5)`, get('hover') < 5],
    [`${tree}: completion p95 = ${get('completion').toFixed(2)} ms (goal < 5)`, get('completion') < 5],
    [`${tree}: server RSS = ${get('language server RSS').toFixed(0)} MiB (goal < 150)`, get('language server RSS') < 150],
  ];
  return { measures: out, goals };
}
