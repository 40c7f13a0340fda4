import * as vscode from 'vscode';
import { heatValue, parseHeatYaml } from '../tripleo/heatYaml';
import { ParameterError, PlanError } from '../tripleo/errors';
import { getPlanParameters, updatePlanParameters } from '../tripleo/parameters';
import { requirePlanData } from '../tripleo/planData';
import { MASK, redactValue, unmask } from '../openstack/redact';
import type { ConnectionManager } from './connectionManager';

export const PLAN_SCHEME = 'tripleo-plan';
export const PARAMETERS_SCHEME = 'tripleo-parameters';

/** A plan's file, opened read-only from Swift. */
export function planUri(plan: string, path: string): vscode.Uri {
  return vscode.Uri.from({ scheme: PLAN_SCHEME, path: `/${plan}/${path}` });
}

/** The editable YAML document of a plan's parameter values. */
export function parametersUri(plan: string): vscode.Uri {
  return vscode.Uri.from({ scheme: PARAMETERS_SCHEME, path: `/${plan}/parameters.yaml` });
}

function splitPath(uri: vscode.Uri): { plan: string; path: string } {
  const [, plan, ...rest] = uri.path.split('/');
  return { plan, path: rest.join('/') };
}

abstract class UndercloudFileSystem implements vscode.FileSystemProvider {
  protected readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;
  constructor(protected readonly manager: ConnectionManager) {}

  protected undercloud() {
    const uc = this.manager.undercloud;
    if (!uc) throw vscode.FileSystemError.Unavailable('not connected to an undercloud');
    return uc;
  }

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }
  stat(): vscode.FileStat {
    return { type: vscode.FileType.File, ctime: 0, mtime: Date.now(), size: 0 };
  }
  readDirectory(): [string, vscode.FileType][] {
    return [];
  }
  createDirectory(): void {
    throw vscode.FileSystemError.NoPermissions('plans are changed by uploading templates');
  }
  delete(): void {
    throw vscode.FileSystemError.NoPermissions('plans are changed by uploading templates');
  }
  rename(): void {
    throw vscode.FileSystemError.NoPermissions('plans are changed by uploading templates');
  }
  abstract readFile(uri: vscode.Uri): Promise<Uint8Array>;
  abstract writeFile(uri: vscode.Uri, content: Uint8Array): Promise<void>;
}

/** Templates of a plan, straight from its Swift container. */
export class PlanFileSystem extends UndercloudFileSystem {
  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    const { plan, path } = splitPath(uri);
    try {
      return await this.undercloud().swift.getObject(plan, path);
    } catch (e) {
      throw vscode.FileSystemError.FileNotFound(`${plan}/${path}: ${(e as Error).message}`);
    }
  }
  async writeFile(): Promise<void> {
    throw vscode.FileSystemError.NoPermissions('a plan\'s templates are read-only here: edit the local folder and run "TripleO: Upload Templates"');
  }
}

/**
 * A plan's parameter values as YAML. Saving sends them to the plan (Heat checks them first); what
 * Heat refuses is shown as diagnostics on the lines concerned, and nothing is changed.
 */
export class ParameterFileSystem extends UndercloudFileSystem {
  constructor(
    manager: ConnectionManager,
    private readonly diagnostics: vscode.DiagnosticCollection,
  ) {
    super(manager);
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    const { plan } = splitPath(uri);
    const uc = this.undercloud();
    const [data, { parameters }] = await Promise.all([requirePlanData(uc.mistral, plan), getPlanParameters(uc, plan)]);
    const lines = [
      `# Parameter values of plan "${plan}". Saving this file updates the plan; Heat checks the values first.`,
      '# Values keep their YAML types. Parameters not listed here use their environment or template value.',
      'parameter_defaults:',
    ];
    const set = Object.entries(data.parameter_defaults);
    if (!set.length) lines[2] = 'parameter_defaults: {}';
    // NoEcho and secret-named values show masked; saved unchanged, a mask keeps the value it stands for
    const hidden = new Set(parameters.filter((p) => p.noEcho).map((p) => p.name));
    if (set.length) lines.splice(2, 0, `# Secret values show as "${MASK}": leave one as it is to keep it, or type a new value.`);
    for (const [k, v] of set) lines.push(`  ${k}: ${JSON.stringify((redactValue({ [k]: v }, hidden) as Record<string, unknown>)[k])}`);
    lines.push('', '# Other parameters of the plan (type: current value):');
    for (const p of parameters) {
      if (p.name in data.parameter_defaults) continue;
      const value = p.noEcho ? '(hidden)' : JSON.stringify(p.value ?? null);
      lines.push(`#   ${p.name}: ${value}    # ${p.type}${p.description ? `, ${p.description.split('\n')[0].slice(0, 80)}` : ''}`);
    }
    return Buffer.from(lines.join('\n') + '\n', 'utf8');
  }

  async writeFile(uri: vscode.Uri, content: Uint8Array): Promise<void> {
    const { plan } = splitPath(uri);
    const text = Buffer.from(content).toString('utf8');
    const { doc, errors } = parseHeatYaml(text);
    const diag = (message: string, offset = 0, length = 1) => {
      const before = text.slice(0, offset);
      const line = before.split('\n').length - 1;
      const col = offset - (before.lastIndexOf('\n') + 1);
      const d = new vscode.Diagnostic(new vscode.Range(line, col, line, col + length), message, vscode.DiagnosticSeverity.Error);
      d.source = 'tripleo';
      return d;
    };
    if (errors.length) {
      const e = errors[0];
      this.diagnostics.set(uri, [diag(e.message, e.start)]);
      throw vscode.FileSystemError.NoPermissions(`not saved: ${e.message}`);
    }
    const js = (heatValue(doc.contents, doc) ?? {}) as { parameter_defaults?: Record<string, unknown> };
    let values = js.parameter_defaults ?? {};
    try {
      if (JSON.stringify(values).includes(MASK))
        values = unmask(values, (await requirePlanData(this.undercloud().mistral, plan)).parameter_defaults) as Record<string, unknown>;
      await updatePlanParameters(this.undercloud(), plan, values, { replace: true });
      this.diagnostics.delete(uri);
    } catch (e) {
      const message = (e as Error).message;
      if (e instanceof PlanError) {
        // point at every parameter the refusal is about
        const names = e instanceof ParameterError ? e.parameters : [];
        const found = names.map((k) => {
          const at = text.search(new RegExp(`^\\s+${k}\\s*:`, 'm'));
          const offset = at < 0 ? 0 : text.indexOf(k, at);
          return diag(message, offset, k.length);
        });
        this.diagnostics.set(uri, found.length ? found : [diag(message)]);
      }
      throw vscode.FileSystemError.NoPermissions(`not saved: ${message}`);
    }
    this.emitter.fire([{ type: vscode.FileChangeType.Changed, uri }]);
  }
}
