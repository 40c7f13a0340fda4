import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT } from './undercloud';

export interface OracleOutput {
  rendered: Record<string, string>;
  errors: Record<string, string>;
  /** Each run's time, measured inside Python. */
  seconds: number[];
}

/** Python's Jinja2 processing a tree as tripleo-common did (test/support/render_oracle.py). */
export function pythonRender(tree: string, opts: { rolesData?: string; runs?: number; compileOnce?: boolean } = {}): OracleOutput {
  const args = [path.join(ROOT, 'test/support/render_oracle.py'), tree, '--runs', String(opts.runs ?? 1)];
  if (opts.compileOnce) args.push('--compile-once');
  let tmp: string | undefined;
  if (opts.rolesData !== undefined) {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'roles-data-'));
    fs.writeFileSync(path.join(tmp, 'roles_data.yaml'), opts.rolesData);
    args.push('--roles-data', path.join(tmp, 'roles_data.yaml'));
  }
  try {
    return JSON.parse(execFileSync('python3', args, { encoding: 'utf8', maxBuffer: 1 << 30 }));
  } finally {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  }
}
