import { Command } from 'commander';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import { TripleOLanguageService } from '../language/languageService';
import { ConfigError } from '../openstack/errors';
import { indexPlans, yamlFiles } from '../tripleo/planFolders';

/** The nearest folder at or above `dir` holding a capabilities map. */
function nearestPlanFolder(dir: string): string | undefined {
  for (let d = dir; ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'capabilities-map.yaml'))) return d;
    if (path.dirname(d) === d) return undefined;
  }
}

interface LintResult {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: string;
  code: string;
  message: string;
}

/** `tripleo lint`: the language server's diagnostics, without an undercloud. */
export function registerLintCommand(program: Command): void {
  program
    .command('lint [paths...]')
    .description('check Heat templates, environment files and capabilities maps like the language server does (exit 1 on errors)')
    .option('--format <format>', 'text or json', 'text')
    .action((paths: string[], opts: { format: string }) => {
      const targets = paths.length ? paths : ['.'];
      for (const t of targets) if (!fs.existsSync(t)) throw new ConfigError(`${t} does not exist`);
      const roots = targets.map((t) => (fs.statSync(t).isDirectory() ? path.resolve(t) : path.dirname(path.resolve(t))));
      // a file's plan folder may be above it: index from each file's nearest folder with a capabilities map
      const planRoots = roots.map((r) => nearestPlanFolder(r) ?? r);
      const plans = indexPlans([...new Set(planRoots)]);
      const service = new TripleOLanguageService();
      const results: LintResult[] = [];
      const severities = ['', 'error', 'warning', 'information', 'hint'];
      for (const file of yamlFiles(targets)) {
        const doc = TextDocument.create(URI.file(file).toString(), 'yaml', 1, fs.readFileSync(file, 'utf8'));
        for (const d of service.validate(doc, plans)) {
          results.push({
            file: path.relative(process.cwd(), file) || file,
            line: d.range.start.line + 1,
            column: d.range.start.character + 1,
            endLine: d.range.end.line + 1,
            endColumn: d.range.end.character + 1,
            severity: severities[d.severity ?? 1],
            code: String(d.code ?? ''),
            message: String(d.message),
          });
        }
      }
      if (opts.format === 'json') console.log(JSON.stringify(results, null, 2));
      else {
        for (const r of results) console.log(`${r.file}:${r.line}:${r.column}: ${r.severity} ${r.code}: ${r.message}`);
        const errors = results.filter((r) => r.severity === 'error').length;
        console.error(`${results.length} problem(s), ${errors} error(s)`);
      }
      if (results.some((r) => r.severity === 'error')) process.exitCode = 1;
    });
}
