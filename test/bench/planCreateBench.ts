import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { mapLimit } from '../../src/tripleo/concurrency';
import { scanPlanFolder } from '../../src/tripleo/localPlan';
import { withRenderedFiles } from '../../src/tripleo/planRendering';
import { createPlan, deletePlan, PLAN_WORKBOOK } from '../../src/tripleo/plans';
import { Undercloud } from '../../src/tripleo/undercloud';
import { runWorkflow } from '../../src/tripleo/workflows';
import { corpusTree, corpusTrees } from '../support/corpus';
import { uniqueName } from '../support/undercloud';

export interface PlanCreateMeasure {
  name: string;
  seconds: number;
}

async function timed<T>(fn: () => Promise<T> | T): Promise<[T, number]> {
  const s = performance.now();
  const r = await fn();
  return [r, (performance.now() - s) / 1000];
}

/**
 * `plan create` of a released tree (queens) against `swift upload` of the same files, rendered, and
 * against the upload floor (16 parallel keep-alive PUTs) plus the create workflow's own time.
 */
export async function benchPlanCreate(uc: Undercloud, env: NodeJS.ProcessEnv, tree = 'queens'): Promise<PlanCreateMeasure[]> {
  if (!corpusTrees().includes(tree)) throw new Error(`no ${tree} tree in the corpus (THT_CORPUS)`);
  const source = corpusTree(tree);
  const rendered = fs.mkdtempSync(path.join(os.tmpdir(), `tripleo-bench-${tree}-`));
  const containers: string[] = [];
  const plans: string[] = [];
  const fresh = (p: string, list = containers) => {
    const c = uniqueName(p);
    list.push(c);
    return c;
  };
  const out: PlanCreateMeasure[] = [];
  try {
    const [files, tRender] = await timed(() => withRenderedFiles(source, scanPlanFolder(source)));
    out.push({ name: 'scan and render (client side)', seconds: tRender });
    for (const f of files) {
      fs.mkdirSync(path.dirname(path.join(rendered, f.name)), { recursive: true });
      fs.writeFileSync(path.join(rendered, f.name), f.data ?? fs.readFileSync(f.absolute));
    }
    const bytes = files.reduce((n, f) => n + f.size, 0);
    console.log(`${tree}: ${files.length} files rendered and sources, ${(bytes / 1e6).toFixed(2)} MB`);
    await uc.connect();

    const [, tCreate] = await timed(() => createPlan(uc, fresh(`bench-${tree}`, plans), source));
    out.push({ name: 'plan create', seconds: tCreate });

    const raw = fresh(`bench-${tree}-floor`);
    await uc.swift.createContainer(raw);
    const [, tFloor] = await timed(() => mapLimit(files, 16, (f) => uc.swift.putObject(raw, f.name, f.data ?? fs.readFileSync(f.absolute))));
    out.push({ name: 'floor: 16 parallel keep-alive PUTs', seconds: tFloor });
    // the workflow alone, on the container the floor filled (it becomes a plan, deleted below)
    plans.push(raw);
    const [, tWorkflow] = await timed(() => runWorkflow(uc.mistral, `${PLAN_WORKBOOK}.create_deployment_plan`, { container: raw, generate_passwords: true }));
    out.push({ name: 'create workflow alone', seconds: tWorkflow });

    const cli = fresh(`bench-${tree}-swiftcli`);
    const [, tCli] = await timed(() =>
      execFileSync('swift', ['upload', cli, '.'], { cwd: rendered, env: { ...env, PYTHONWARNINGS: 'ignore' }, stdio: 'ignore' }),
    );
    out.push({ name: 'swift upload of the rendered tree', seconds: tCli });
  } finally {
    for (const p of plans) await deletePlan(uc, p).catch(() => undefined);
    for (const c of containers) {
      if (!(await uc.swift.containerMetadata(c).catch(() => undefined))) continue;
      const objs = await uc.swift.listObjects(c).catch(() => []);
      await mapLimit(objs, 16, (o) => uc.swift.deleteObject(c, o.name)).catch(() => undefined);
      await uc.swift.deleteContainer(c).catch(() => undefined);
    }
    fs.rmSync(rendered, { recursive: true, force: true });
  }
  return out;
}
