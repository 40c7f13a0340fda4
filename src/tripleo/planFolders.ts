import * as fs from 'node:fs';
import * as path from 'node:path';
import { URI } from 'vscode-uri';
import { buildPlanIndex, PlanIndex } from '../language/planIndex';

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
          files.set(r, /\.ya?ml$/.test(e.name) ? (openText(uri) ?? readSmall(abs)) : '');
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

/** Every YAML file of the given folders (recursively) and files. */
export function yamlFiles(paths: string[]): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    const st = fs.statSync(p);
    if (st.isFile()) {
      if (/\.ya?ml$/.test(p)) out.push(path.resolve(p));
      return;
    }
    for (const e of fs.readdirSync(p, { withFileTypes: true })) if (!SKIP.has(e.name)) walk(path.join(p, e.name));
  };
  paths.forEach(walk);
  return [...new Set(out)].sort();
}
