import * as fs from 'node:fs';
import * as path from 'node:path';
import ignore from 'ignore';
import { md5 } from '../openstack/swift';
import { PlanError } from './errors';

export const IGNORE_FILE = '.tripleoignore';
/** Objects under this prefix belong to the upload machinery, never to the templates. */
export const RESERVED_PREFIX = '.tripleo/';

export interface LocalFile {
  /** path in the plan, with "/" separators */
  name: string;
  absolute: string;
  size: number;
  md5: string;
  /** content made in memory (a rendered template) rather than read from `absolute` */
  data?: Buffer;
  /** the Jinja source a rendered file was made from */
  renderedFrom?: string;
}

/**
 * The files of a local plan folder as they would be uploaded: `.git` and what `.tripleoignore`
 * lists are skipped; a symlink is followed only when it stays inside the folder.
 */
export function scanPlanFolder(folder: string): LocalFile[] {
  const root = fs.realpathSync(folder);
  if (!fs.statSync(root).isDirectory()) throw new PlanError('not-a-folder', `${folder} is not a folder`);
  const ig = ignore().add(['.git/', IGNORE_FILE, RESERVED_PREFIX]);
  const ignoreFile = path.join(root, IGNORE_FILE);
  if (fs.existsSync(ignoreFile)) ig.add(fs.readFileSync(ignoreFile, 'utf8'));
  const out: LocalFile[] = [];
  const visited = new Set<string>();
  const walk = (dir: string, rel: string) => {
    const real = fs.realpathSync(dir);
    if (visited.has(real)) return;
    visited.add(real);
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const relName = rel ? `${rel}/${e.name}` : e.name;
      const abs = path.join(dir, e.name);
      let isDir = e.isDirectory();
      if (e.isSymbolicLink()) {
        let target: string;
        try {
          target = fs.realpathSync(abs);
        } catch {
          throw new PlanError('broken-symlink', `${relName} is a symlink to something that does not exist`);
        }
        if (target !== root && !target.startsWith(root + path.sep)) {
          throw new PlanError('symlink-outside', `${relName} is a symlink to ${target}, outside the plan folder ${root}: refusing to upload it`);
        }
        isDir = fs.statSync(target).isDirectory();
      }
      if (ig.ignores(isDir ? `${relName}/` : relName)) continue;
      if (isDir) walk(abs, relName);
      else if (e.isFile() || e.isSymbolicLink()) {
        const data = fs.readFileSync(abs);
        out.push({ name: relName, absolute: abs, size: data.length, md5: md5(data) });
      }
    }
  };
  walk(root, '');
  return out;
}
