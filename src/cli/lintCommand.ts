import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import { TripleOLanguageService } from '../language/languageService';
import { ConfigError } from '../openstack/errors';
import { indexPlans, yamlFiles } from '../language/planFolders';
import type { PlanIndex } from '../language/planIndex';

export interface LintResult {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: 'error' | 'warning' | 'information' | 'hint';
  code: string;
  message: string;
}

const SEVERITIES = ['error', 'error', 'warning', 'information', 'hint'] as const;

/**
 * What `tripleo lint` finds in files and folders. Never throws for what a file holds: a check that
 * fails is itself a result (internal-error), a link it does not follow a warning.
 */
export function lint(targets: string[], cwd = process.cwd()): LintResult[] {
  const results: LintResult[] = [];
  const shown = (file: string) => path.relative(cwd, file) || file;
  const whole = (file: string, severity: LintResult['severity'], code: string, message: string) =>
    results.push({ file: shown(file), line: 1, column: 1, endLine: 1, endColumn: 1, severity, code, message });
  const roots = targets.map((t) => (fs.statSync(t).isDirectory() ? path.resolve(t) : path.dirname(path.resolve(t))));
  // a file's plan folder may be above it: index from each file's nearest folder with a capabilities map
  const planRoots = [...new Set(roots.map((r) => nearestPlanFolder(r) ?? r))];
  let plans: PlanIndex[] = [];
  try {
    plans = indexPlans(planRoots);
  } catch (e) {
    for (const r of planRoots) whole(r, 'error', 'internal-error', `indexing the plan folder failed: ${(e as Error).message}`);
  }
  const service = new TripleOLanguageService();
  const files = yamlFiles(targets, (link, why) => whole(link, 'warning', 'link-not-followed', why));
  for (const file of files) {
    try {
      const doc = TextDocument.create(URI.file(file).toString(), 'yaml', 1, fs.readFileSync(file, 'utf8'));
      for (const d of service.validate(doc, plans)) {
        results.push({
          file: shown(file),
          line: d.range.start.line + 1,
          column: d.range.start.character + 1,
          endLine: d.range.end.line + 1,
          endColumn: d.range.end.character + 1,
          severity: SEVERITIES[d.severity ?? 1],
          code: String(d.code ?? ''),
          message: String(d.message),
        });
      }
    } catch (e) {
      whole(file, 'error', 'internal-error', `checking this file failed: ${(e as Error).message}`);
    }
  }
  return results;
}

/** The nearest folder at or above `dir` holding a capabilities map. */
function nearestPlanFolder(dir: string): string | undefined {
  for (let d = dir; ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'capabilities-map.yaml'))) return d;
    if (path.dirname(d) === d) return undefined;
  }
}

/** `tripleo lint [paths...]`. */
export function registerLintCommand(program: Command): void {
  program
    .command('lint [paths...]')
    .description('check Heat templates, environment files and capabilities maps like the language server does (exit 1 on errors)')
    .option('--format <format>', 'text or json', 'text')
    .action((paths: string[], opts: { format: string }) => {
      const targets = paths.length ? paths : ['.'];
      for (const t of targets) if (!fs.existsSync(t)) throw new ConfigError(`${t} does not exist`);
      const results = lint(targets);
      if (opts.format === 'json') console.log(JSON.stringify(results, null, 2));
      else {
        for (const r of results) console.log(`${r.file}:${r.line}:${r.column}: ${r.severity} ${r.code}: ${r.message}`);
        const errors = results.filter((r) => r.severity === 'error').length;
        console.error(`${results.length} problem(s), ${errors} error(s)`);
      }
      if (results.some((r) => r.severity === 'error')) process.exitCode = 1;
    });
}
