import { performance } from 'node:perf_hooks';
import { renderPlanTemplates, rolesDataFromFolder } from '../../src/tripleo/templateRendering';
import { corpusTree, corpusTrees } from '../support/corpus';
import { readTree } from '../support/files';
import { pythonRender } from '../support/renderOracle';

export interface RenderMeasure {
  name: string;
  /** Median milliseconds. */
  ours: number;
  /** Python as tripleo-common ran it: a new Environment, so a new compile, for every rendered file. */
  python: number;
  /** Python with each source compiled once (the fastest use of Jinja2). */
  pythonCompileOnce: number;
  files: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Python's Jinja2 doing the same processing in one process; its own timing, without interpreter start. */
const pythonMedian = (root: string, runs: number, rolesData: string | undefined, compileOnce: boolean) =>
  median(pythonRender(root, { runs, rolesData, compileOnce }).seconds) * 1000;

/** Rendering of every corpus tree (default roles, and every role of roles/ where there is one), against Python. */
export function benchRendering(runs = 5): RenderMeasure[] {
  const measures: RenderMeasure[] = [];
  for (const tree of corpusTrees()) {
    const root = corpusTree(tree);
    const files = readTree(root);
    const variants: [string, string | undefined][] = [[tree, undefined]];
    if ([...files.keys()].some((p) => p.startsWith('roles/'))) variants.push([`${tree}, all roles/`, rolesDataFromFolder(files)]);
    for (const [name, rolesData] of variants) {
      const opts = rolesData === undefined ? {} : { rolesData };
      const warm = renderPlanTemplates(files, opts);
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const s = performance.now();
        renderPlanTemplates(files, opts);
        times.push(performance.now() - s);
      }
      measures.push({
        name,
        ours: median(times),
        python: pythonMedian(root, runs, rolesData, false),
        pythonCompileOnce: pythonMedian(root, runs, rolesData, true),
        files: warm.rendered.length,
      });
    }
  }
  return measures;
}
