import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { tarFiles } from '../../src/openstack/archive';
import { mapLimit } from '../../src/tripleo/concurrency';
import { scanPlanFolder } from '../../src/tripleo/localPlan';
import { uploadPlanFolder } from '../../src/tripleo/upload';
import { Undercloud } from '../../src/tripleo/undercloud';
import { uniqueName } from '../support/undercloud';

export interface UploadMeasure {
  name: string;
  seconds: number;
  requests?: number;
}

/** A tree shaped like tripleo-heat-templates: ~520 YAML files, ~3 MB, a few levels deep. */
export function generateTree(dir: string, files = 520, totalBytes = 3_000_000): void {
  const dirs = [
    '',
    'environments',
    'puppet',
    'puppet/services',
    'docker/services',
    'network',
    'network/config/single-nic',
    'extraconfig/pre_deploy',
    'deployment/nova',
    'deployment/neutron',
  ];
  const per = Math.floor(totalBytes / files);
  for (let i = 0; i < files; i++) {
    const d = dirs[i % dirs.length];
    const lines = [`heat_template_version: rocky`, `description: generated template ${i}`, 'parameters:'];
    for (let j = 0; lines.join('\n').length < per; j++)
      lines.push(
        `  Param${i}x${j}:\n    type: string\n    default: '${'v'.repeat(20 + ((i * 7 + j) % 40))}'\n    description: parameter ${j} of template ${i}`,
      );
    fs.mkdirSync(path.join(dir, d), { recursive: true });
    fs.writeFileSync(path.join(dir, d, `template-${String(i).padStart(3, '0')}.yaml`), lines.join('\n') + '\n');
  }
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const s = performance.now();
  const r = await fn();
  return [r, (performance.now() - s) / 1000];
}

/** Ours against `swift upload` and against the fastest raw uploads the server allows. */
export async function benchUpload(uc: Undercloud, env: NodeJS.ProcessEnv): Promise<UploadMeasure[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tripleo-bench-tree-'));
  const containers: string[] = [];
  const fresh = (p: string) => {
    const c = uniqueName(p);
    containers.push(c);
    return c;
  };
  const out: UploadMeasure[] = [];
  try {
    generateTree(dir);
    const files = scanPlanFolder(dir);
    const bytes = files.reduce((n, f) => n + f.size, 0);
    console.log(`tree: ${files.length} files, ${(bytes / 1e6).toFixed(2)} MB`);
    await uc.connect();

    const ours = fresh('bench-ours');
    const [first, tFirst] = await timed(() => uploadPlanFolder(uc.swift, dir, ours));
    out.push({ name: 'ours: first upload', seconds: tFirst, requests: first.requests });
    const [again, tAgain] = await timed(() => uploadPlanFolder(uc.swift, dir, ours));
    out.push({ name: 'ours: unchanged re-upload', seconds: tAgain, requests: again.requests });

    const swiftEnv = { ...env, PYTHONWARNINGS: 'ignore' };
    const cli = fresh('bench-swiftcli');
    const [, tCli] = await timed(async () => execFileSync('swift', ['upload', cli, '.'], { cwd: dir, env: swiftEnv, stdio: 'ignore' }));
    out.push({ name: 'swift upload: first upload', seconds: tCli });
    const [, tCliSkip] = await timed(async () => execFileSync('swift', ['upload', '--skip-identical', cli, '.'], { cwd: dir, env: swiftEnv, stdio: 'ignore' }));
    out.push({ name: 'swift upload --skip-identical: unchanged', seconds: tCliSkip });

    const raw = fresh('bench-raw-put');
    await uc.swift.createContainer(raw);
    const [, tRaw] = await timed(() => mapLimit(files, 16, (f) => uc.swift.putObject(raw, f.name, fs.readFileSync(f.absolute))));
    out.push({ name: 'floor: 16 parallel keep-alive PUTs', seconds: tRaw, requests: files.length });
    const bulk = fresh('bench-raw-bulk');
    await uc.swift.createContainer(bulk);
    const archive = await tarFiles(
      dir,
      files.map((f) => f.name),
      { gzip: true },
    );
    const [, tBulk] = await timed(() => uc.swift.extractArchive(bulk, archive, { gzip: true }));
    out.push({ name: 'floor: one extract-archive PUT', seconds: tBulk, requests: 1 });
  } finally {
    for (const c of containers) {
      const objs = await uc.swift.listObjects(c).catch(() => []);
      await mapLimit(objs, 16, (o) => uc.swift.deleteObject(c, o.name)).catch(() => undefined);
      await uc.swift.deleteContainer(c).catch(() => undefined);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
