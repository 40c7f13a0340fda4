import * as fs from 'node:fs';
import * as path from 'node:path';
import { URI } from 'vscode-uri';
import { buildPlanIndex, PlanIndex } from './planIndex';

const SKIP = new Set(['node_modules', '.git', '.cache', 'dist', 'out']);

/** Folders holding a capabilities-map.yaml, at most `depth` levels below each root. */
export function findPlanFolders(roots: string[], depth = 4): string[] {
  const out: string[] = [];
  const walk = (dir: string, level: number) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    if (entries.some((e) => e.isFile() && e.name === 'capabilities-map.yaml')) out.push(dir);
    if (level >= depth) return;
    for (const e of entries) if (e.isDirectory() && !SKIP.has(e.name)) walk(path.join(dir, e.name), level + 1);
  };
  roots.forEach((r) => walk(r, 0));
  return out;
}

/** Indexes every plan folder; open documents (by URI) take precedence over the files on disk. */
export function indexPlans(roots: string[], openText: (uri: string) => string | undefined = () => undefined): PlanIndex[] {
  return findPlanFolders(roots).map((folder) => {
    const files = new Map<string, string>();
    const walk = (dir: string, rel: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        if (SKIP.has(e.name)) continue;
        const abs = path.join(dir, e.name);
        const r = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) walk(abs, r);
        else if (e.isFile()) {
          const uri = URI.file(abs).toString();
          files.set(r, /\.(ya?ml|j2)$/.test(e.name) ? (openText(uri) ?? readSmall(abs)) : '');
        }
      }
    };
    walk(folder, '');
    return buildPlanIndex(URI.file(folder).toString(), files);
  });
}

function readSmall(file: string): string {
  try {
    // read first, measure after: one system call less per file, and plan files are small
    const text = fs.readFileSync(file, 'utf8');
    return text.length < 2_000_000 ? text : '';
  } catch {
    return '';
  }
}

/**
 * Every YAML file of the given folders (recursively) and files. A symbolic link met on the way is
 * followed only to a file inside the folder being walked: a link to a folder (a loop such as
 * `environments/loop -> .`) or out of the folder is left alone and told to `skipped`.
 */
export function yamlFiles(paths: string[], skipped: (link: string, why: string) => void = () => {}): string[] {
  const out: string[] = [];
  const walk = (p: string, top: string) => {
    for (const e of fs.readdirSync(p, { withFileTypes: true })) {
      if (SKIP.has(e.name)) continue;
      const abs = path.join(p, e.name);
      if (e.isDirectory()) walk(abs, top);
      else if (e.isFile()) {
        if (/\.ya?ml$/.test(e.name)) out.push(abs);
      } else if (e.isSymbolicLink()) {
        const why = linkProblem(abs, top);
        if (why) skipped(abs, why);
        else if (/\.ya?ml$/.test(e.name)) out.push(abs);
      }
    }
  };
  for (const p of paths) {
    const abs = path.resolve(p);
    if (fs.statSync(abs).isFile()) {
      if (/\.ya?ml$/.test(abs)) out.push(abs);
    } else walk(abs, realpathOrSelf(abs));
  }
  return [...new Set(out)].sort();
}

/** Why a link inside `top` is not followed, or undefined when it names a file inside `top`. */
function linkProblem(link: string, top: string): string | undefined {
  let target: string;
  try {
    target = fs.realpathSync(link);
  } catch (e) {
    return `symbolic link not followed: ${(e as NodeJS.ErrnoException).code === 'ELOOP' ? 'it loops' : 'it names nothing'}`;
  }
  if (target !== top && !target.startsWith(top + path.sep)) return `symbolic link not followed: it leads out of ${top}`;
  return fs.statSync(target).isFile() ? undefined : 'symbolic link to a folder not followed (it may loop)';
}

function realpathOrSelf(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}
