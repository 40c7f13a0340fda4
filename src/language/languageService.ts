import { TextDocument } from 'vscode-languageserver-textdocument';
import { CodeAction, CompletionItem, Diagnostic, DiagnosticSeverity, DocumentLink, DocumentSymbol, Hover, Location, MarkupKind, Position } from 'vscode-languageserver-types';
import { detectFileKind, ENVIRONMENT_SECTIONS, FileKind, isJinjaTemplate } from './fileKind';
import { ChunkCache, keyName, nodeRange, parseYamlIncremental, ParsedYaml } from './yamlDocument';
import { closestName, editDistance } from '../tripleo/names';
import { isMap, isScalar, isSeq, visit, type Node, type Pair, type Scalar } from 'yaml';
import { ParameterDefinition, plainValue, PlanIndex, suggestParameter, valueCheck, type ValueCheck } from './planIndex';
import { checkMapAgainstFiles, isOutsidePlan, normalizePath, readCapabilitiesMap } from '../tripleo/capabilitiesMap';
import { selectionProblems } from '../tripleo/capabilities';
import { nodeAt } from './cursorContext';
import { definition, DocumentContext, documentLinks, documentSymbols, namedFile, parameterNameAt, references } from './navigation';
import { complete, resolveItem } from './completion';
import { DiagnosticData, quickFixes } from './codeActions';
import { isSecretName, MASK, maskPlanState, PlanState } from './planState';

export const SOURCE = 'tripleo';

interface ParameterCheck {
  /** the plan's parameter table the check was made against */
  tables: Map<string, ParameterDefinition[]>;
  /** set for a parameter no template declares: the suggestion, or null */
  unknown?: string | null;
  invalid?: ValueCheck;
}

type Report = (start: number, end: number, message: string, code: string, severity?: DiagnosticSeverity, data?: DiagnosticData) => void;

const SECTION_DOCS: Record<string, string> = {
  parameters: 'Values for the **root template\'s** parameters only. Nested templates do not see them; prefer `parameter_defaults`.',
  parameter_defaults: 'Default values for parameters of **every** template in the plan (root and nested). Later environment files win.',
  resource_registry: 'Maps resource types (e.g. `OS::TripleO::Controller`) to the templates that implement them. Paths are relative to this file.',
  event_sinks: 'Where Heat sends stack events (e.g. a Zaqar queue).',
  encrypted_param_names: 'Parameters whose values Heat stores encrypted.',
  parameter_merge_strategies: 'How values of the same parameter from several environment files combine: `merge`, `deep_merge` or `overwrite`.',
};

export interface AnalyzedDocument {
  kind: FileKind;
  parsed: ParsedYaml;
}

/** The pure language service: knows nothing of VS Code or of the LSP connection. */
export class TripleOLanguageService {
  /** One parse per document version: hover and validation of the same text share it. */
  private readonly cache = new Map<string, { version: number; text: string; result: AnalyzedDocument; pieces: ChunkCache }>();
  private planState: PlanState | null = null;
  private readonly checked = new WeakMap<object, ParameterCheck>();

  /** Parses a document version once; the pieces of the previous version that an edit left alone are reused. */
  analyze(doc: TextDocument): AnalyzedDocument {
    const text = doc.getText();
    const hit = this.cache.get(doc.uri);
    if (hit && hit.version === doc.version && hit.text === text) return hit.result;
    const pieces = hit?.pieces ?? new Map();
    const parsed = parseYamlIncremental(text, pieces);
    const result = { kind: detectFileKind(doc.uri, parsed), parsed };
    this.cache.set(doc.uri, { version: doc.version, text, result, pieces });
    return result;
  }

  /** The connected plan's selection and values (null: no plan connected), shown in hovers. */
  setPlanState(state: PlanState | null): void {
    this.planState = state ? maskPlanState(state) : null;
  }

  private context(doc: TextDocument, plans: PlanIndex[]): DocumentContext {
    return { doc, ...this.analyze(doc), place: this.place(doc, plans) };
  }

  /** Drops what is kept for a closed document. */
  forget(uri: string): void {
    this.cache.delete(uri);
  }

  /** The plan folder a document belongs to, and its path in it. */
  place(doc: TextDocument, plans: PlanIndex[]): { index: PlanIndex; path: string } | undefined {
    const best = plans.filter((p) => doc.uri.startsWith(`${p.root}/`)).sort((a, b) => b.root.length - a.root.length)[0];
    return best ? { index: best, path: decodeURIComponent(doc.uri.slice(best.root.length + 1)) } : undefined;
  }

  /** Checks of a document; with the plans' indexes, also against the templates of its plan. */
  validate(doc: TextDocument, plans: PlanIndex[] = []): Diagnostic[] {
    const { kind, parsed } = this.analyze(doc);
    const out: Diagnostic[] = [];
    const diag: Report = (start, end, message, code, severity = DiagnosticSeverity.Error, data) =>
      out.push({ range: { start: doc.positionAt(start), end: doc.positionAt(end) }, message, code, severity, source: SOURCE, ...(data ? { data } : {}) });

    // Jinja markup is not YAML: syntax errors there are expected until the template is rendered.
    if (!isJinjaTemplate(doc.uri)) {
      for (const p of parsed.problems) diag(p.range.start, p.range.end, p.message, p.code);
    }
    if (kind === 'environment') {
      for (const pair of parsed.topLevel) {
        const name = keyName(pair);
        const r = nodeRange(pair.key);
        if (!name || !r || (ENVIRONMENT_SECTIONS as readonly string[]).includes(name)) continue;
        const near = closest(name, ENVIRONMENT_SECTIONS);
        diag(r.start, r.end, `Unknown section "${name}" in an environment file${near ? `; did you mean "${near}"?` : ''}. Heat accepts: ${ENVIRONMENT_SECTIONS.join(', ')}.`, 'env-unknown-section', DiagnosticSeverity.Error, near ? { replacement: near } : undefined);
      }
      const place = this.place(doc, plans);
      if (place) {
        this.validateAgainstPlan(parsed, place.index, place.path, diag);
        const { map, selection } = place.index;
        if (map && selection?.includes(place.path) && parsed.topLevel[0]) {
          const r = nodeRange(parsed.topLevel[0].key)!;
          for (const p of selectionProblems(map, selection).filter((x) => x.file === place.path)) {
            const data: DiagnosticData = p.kind === 'requires' ? { addToSelection: p.related[0] } : { removeFromSelection: [...p.related, p.file] };
            diag(r.start, r.end, `${p.message} in plan-environment.yaml`, p.kind === 'requires' ? 'env-requires-missing' : 'env-exclusive-conflict', DiagnosticSeverity.Warning, data);
          }
        }
        if (place.index.mapped.size && !place.index.mapped.has(place.path) && parsed.topLevel[0]) {
          const r = nodeRange(parsed.topLevel[0].key)!;
          diag(r.start, r.end, `${place.path} is not listed in capabilities-map.yaml: clients show it under "Other"`, 'env-not-in-map', DiagnosticSeverity.Information);
        }
      }
    }
    if (kind === 'capabilities-map') this.validateMap(doc, plans, diag);
    if (kind === 'heat-template') this.validateTemplate(parsed, diag);
    return out;
  }

  private validateMap(doc: TextDocument, plans: PlanIndex[], diag: Report): void {
    const text = doc.getText();
    const lineStart = (line: number) => doc.offsetAt({ line: line - 1, character: 0 });
    const { map, problems } = readCapabilitiesMap(text);
    for (const p of problems) {
      if (p.message.startsWith('Map keys') || p.message.includes('YAML')) continue;
      const start = p.line ? lineStart(p.line) : 0;
      diag(start, start + Math.max(1, (text.slice(start).split('\n')[0] ?? '').length), p.message, 'map-invalid');
    }
    const place = this.place(doc, plans);
    if (!place) return;
    for (const problem of checkMapAgainstFiles(map, place.index.files)) {
      const file = problem.split(' ')[problem.startsWith('root_') ? 1 : 0];
      const mentioned = problem.includes(' requires ') ? problem.split(' requires ')[1].split(',')[0] : file;
      const at = Math.max(0, text.indexOf(mentioned));
      diag(at, at + mentioned.length, problem, problem.includes('more than once') ? 'map-duplicate' : isOutsidePlan(file) ? 'path-outside-plan' : 'map-missing-file');
    }
  }

  /** get_param / get_resource / get_attr / depends_on naming what the template does not define. */
  private validateTemplate(parsed: ParsedYaml, diag: Report): void {
    const root = parsed.doc.contents;
    if (!isMap(root)) return;
    const version = root.get('heat_template_version', true);
    if (isScalar(version)) {
      const v = String(version.value);
      const known = /^(20\d\d-\d\d-\d\d|newton|ocata|pike|queens|rocky|stein|train|ussuri|victoria|wallaby|xena|yoga|zed|2023\.[12]|2024\.[12]|2025\.[12])$/;
      const r = nodeRange(version)!;
      if (!known.test(v)) diag(r.start, r.end, `unknown heat_template_version "${v}"`, 'template-unknown-version');
    }
    const names = (key: string) => {
      const m = root.get(key, true);
      return new Set(isMap(m) ? m.items.map((p) => (isScalar(p.key) ? String(p.key.value) : '')) : []);
    };
    const params = names('parameters');
    const resources = names('resources');
    const check = (node: unknown, kind: 'parameter' | 'resource', code: string) => {
      const target = isSeq(node) ? (node as { items: Node[] }).items[0] : node;
      if (!isScalar(target) || typeof target.value !== 'string') return;
      const name = target.value;
      const set = kind === 'parameter' ? params : resources;
      if (set.has(name) || (kind === 'parameter' && name.startsWith('OS::'))) return;
      const near = closestName(name, [...set]);
      const r = nodeRange(target)!;
      diag(r.start, r.end, `no ${kind} "${name}" in this template${near ? `; did you mean "${near}"?` : ''}`, code, DiagnosticSeverity.Error, near ? { replacement: near } : undefined);
    };
    visit(parsed.doc, {
      Pair(_, pair) {
        if (!isScalar(pair.key)) return;
        const k = String(pair.key.value);
        if (k === 'get_param') check(pair.value, 'parameter', 'template-undefined-parameter');
        else if (k === 'get_resource' || k === 'get_attr') check(pair.value, 'resource', 'template-undefined-resource');
        else if (k === 'depends_on') {
          const items = isSeq(pair.value) ? (pair.value.items as unknown[]) : [pair.value];
          for (const i of items) check(i, 'resource', 'template-undefined-resource');
        }
      },
    });
  }

  /**
   * What is wrong with one `Name: value` of an environment, remembered per pair: the pieces of a
   * document an edit leaves alone keep their pairs, so a re-check only looks at the edited ones.
   */
  private checkParameter(p: Pair<unknown, unknown>, index: PlanIndex): ParameterCheck | undefined {
    const hit = this.checked.get(p);
    if (hit && hit.tables === index.parameters) return hit;
    const name = String((p.key as Scalar).value);
    const defs = index.parameters.get(name);
    let result: ParameterCheck;
    if (!defs) result = { tables: index.parameters, unknown: suggestParameter(index, name) ?? null };
    else {
      const value = plainValue(p.value);
      // every template that declares it checks the value: one refusal fails the deploy
      const checks = defs.map((d) => ({ d, check: valueCheck(d, value) })).filter((x) => x.check);
      const refusing = checks.find((x) => !x.check!.undecided) ?? checks[0];
      result = { tables: index.parameters, invalid: refusing ? { ...refusing.check!, message: `${refusing.check!.message} (${refusing.d.template})` } : undefined };
    }
    this.checked.set(p, result);
    return result;
  }

  private validateAgainstPlan(parsed: ParsedYaml, index: PlanIndex, path: string, diag: Report): void {
    const base = path.includes('/') ? path.slice(0, path.lastIndexOf('/') + 1) : '';
    for (const pair of parsed.topLevel) {
      const section = keyName(pair);
      if ((section === 'parameter_defaults' || section === 'parameters') && isMap(pair.value)) {
        for (const p of pair.value.items) {
          if (!isScalar(p.key)) continue;
          const found = this.checkParameter(p, index);
          if (!found) continue;
          const kr = nodeRange(p.key)!;
          if (found.unknown !== undefined) {
            const near = found.unknown ?? undefined;
            diag(kr.start, kr.end, `No template of this plan has a parameter "${p.key.value}"${near ? ` (did you mean "${near}"?)` : ''}: Heat would ignore it.`, 'env-unknown-parameter', DiagnosticSeverity.Warning, near ? { replacement: near } : undefined);
          } else if (found.invalid) {
            const vr = nodeRange(p.value) ?? kr;
            if (found.invalid.undecided) diag(vr.start, vr.end, found.invalid.message, 'env-value-unchecked', DiagnosticSeverity.Warning);
            else diag(vr.start, vr.end, found.invalid.message, 'env-invalid-value');
          }
        }
      }
      if (section === 'resource_registry' && isMap(pair.value)) {
        for (const p of pair.value.items) {
          if (!isScalar(p.value) || typeof p.value.value !== 'string') continue;
          const target = p.value.value;
          if (target.includes('::') || !/\.ya?ml$/.test(target) || /^[a-z]+:\/\//.test(target)) continue;
          const resolved = normalizePath(base + target);
          if (!index.files.has(resolved)) {
            const r = nodeRange(p.value)!;
            if (isOutsidePlan(resolved)) diag(r.start, r.end, `${target} climbs above the plan folder (from ${path}): Heat gets only the plan's files`, 'path-outside-plan');
            else diag(r.start, r.end, `${target} does not exist in the plan (resolved from ${path} to ${resolved})`, 'env-missing-template');
          }
        }
      }
    }
  }

  definition(doc: TextDocument, position: Position, plans: PlanIndex[]): Location[] {
    return definition(this.context(doc, plans), position);
  }

  references(doc: TextDocument, position: Position, plans: PlanIndex[], includeDeclaration = true): Location[] {
    return references(this.context(doc, plans), position, includeDeclaration);
  }

  documentLinks(doc: TextDocument, plans: PlanIndex[]): DocumentLink[] {
    return documentLinks(this.context(doc, plans));
  }

  documentSymbols(doc: TextDocument): DocumentSymbol[] {
    return documentSymbols(this.context(doc, []));
  }

  completion(doc: TextDocument, position: Position, plans: PlanIndex[]): CompletionItem[] {
    return complete(this.context(doc, plans), position);
  }

  /** The details left out of completion items until one is selected. */
  resolveCompletion(item: CompletionItem, plans: PlanIndex[]): CompletionItem {
    return resolveItem(item, plans, (defs) => this.parameterDocs(defs));
  }

  /** Quick fixes for the given diagnostics of the document (as reported by validate, with their data). */
  codeActions(doc: TextDocument, diagnostics: Diagnostic[], plans: PlanIndex[]): CodeAction[] {
    return quickFixes(this.context(doc, plans), diagnostics.filter((d) => d.source === SOURCE));
  }

  /** A file named in the capabilities map, a selection or a resource_registry: its title and description from the map. */
  private fileHover(ctx: DocumentContext, offset: number): Hover | null {
    const at = nodeAt(ctx.parsed, offset);
    const file = at && namedFile(ctx, at);
    if (!file || !ctx.place) return null;
    const { index } = ctx.place;
    const entry = index.mapEntries.get(file);
    const exists = index.files.has(file);
    const lines = [`\`${file}\`${exists ? '' : ' (does not exist)'}`];
    if (entry) lines.push('', `**${entry.title}**`, ...(entry.description ? ['', entry.description] : []));
    else if (exists && /^environments\//.test(file)) lines.push('', '_not listed in capabilities-map.yaml_');
    return { contents: { kind: MarkupKind.Markdown, value: lines.join('\n') }, range: { start: ctx.doc.positionAt(at.scalar.range![0]), end: ctx.doc.positionAt(at.scalar.range![1]) } };
  }

  /** Where a parameter gets its value: the selected environments (local, and the connected plan's) and the plan itself. */
  parameterValues(name: string, defs: ParameterDefinition[], index: PlanIndex): string[] {
    const state = this.planState && (!this.planState.planFolder || this.planState.planFolder.replace(/\/+$/, '') === index.root) ? this.planState : undefined;
    const secret = defs.some((d) => d.hidden) || isSecretName(name) || !!state?.hidden?.includes(name);
    const show = (v: unknown) => `\`${secret ? MASK : JSON.stringify(v)}\``;
    const setBy = (selection: string[]) => selection.flatMap((file) => (index.summaries.get(file)?.values?.has(name) ? [`\`${file}\`: ${show(index.summaries.get(file)!.values!.get(name))}`] : []));
    const lines: string[] = [];
    if (index.selection) {
      const local = setBy(index.selection);
      const own = index.summaries.get('plan-environment.yaml')?.values;
      if (own?.has(name)) local.push(`\`plan-environment.yaml\` parameter_defaults: ${show(own.get(name))}`);
      lines.push(local.length ? `selected in plan-environment.yaml: ${local.join(', ')} (the last wins)` : 'no environment selected in plan-environment.yaml sets it');
    }
    if (state) {
      const there = setBy(state.environments);
      if (there.length) lines.push(`selected in plan **${state.plan}**: ${there.join(', ')}`);
      lines.push(name in state.parameters ? `value in plan **${state.plan}**: ${show(state.parameters[name])}` : `plan **${state.plan}** gives it no value of its own`);
    }
    return lines;
  }

  /** Markdown for a parameter: what the templates say of it. */
  parameterDocs(defs: ParameterDefinition[]): string {
    const d = defs[0];
    const lines = [`**${d.name}**${d.label && d.label !== d.name ? ` — ${d.label}` : ''} \`${d.type}\``, ''];
    if (d.description) lines.push(d.description, '');
    if (d.default !== undefined) lines.push(`default: \`${d.hidden ? '******' : JSON.stringify(d.default)}\``);
    for (const c of d.constraints) {
      if (c.allowedValues) lines.push(`allowed values: ${c.allowedValues.map((v) => `\`${JSON.stringify(v)}\``).join(', ')}`);
      if (c.range) lines.push(`range: ${c.range.min ?? '…'} to ${c.range.max ?? '…'}`);
      if (c.length) lines.push(`length: ${c.length.min ?? 0} to ${c.length.max ?? '…'}`);
      if (c.allowedPattern) lines.push(`pattern: \`${c.allowedPattern}\``);
      if (c.description) lines.push(`_${c.description}_`);
    }
    if (d.hidden) lines.push('hidden (NoEcho): its value is never shown');
    lines.push('', `defined in: ${defs.map((x) => `\`${x.template}\``).join(', ')}`);
    return lines.join('  \n');
  }

  hover(doc: TextDocument, position: Position, plans: PlanIndex[] = []): Hover | null {
    const ctx = this.context(doc, plans);
    const { kind, parsed, place } = ctx;
    const offset = doc.offsetAt(position);
    const fileHover = this.fileHover(ctx, offset);
    if (fileHover) return fileHover;
    const at = nodeAt(parsed, offset);
    const name = place && parameterNameAt(ctx, at);
    if (name && at) {
      const all = place.index.parameters.get(name);
      // in a template, get_param means this template's own declaration
      const defs = kind === 'heat-template' ? all?.filter((d) => d.template === place.path) : all;
      if (!defs?.length) return null;
      const values = this.parameterValues(name, defs, place.index);
      const value = [this.parameterDocs(defs), ...(values.length ? ['', '---', '', values.join('  \n')] : [])].join('\n');
      return { contents: { kind: MarkupKind.Markdown, value }, range: { start: doc.positionAt(at.scalar.range![0]), end: doc.positionAt(at.scalar.range![1]) } };
    }
    if (kind !== 'environment') return null;
    for (const pair of parsed.topLevel) {
      const r = nodeRange(pair.key);
      const section = keyName(pair);
      if (!r || !section || offset < r.start || offset > r.end) continue;
      const text = SECTION_DOCS[section];
      if (!text) return null;
      return {
        contents: { kind: MarkupKind.Markdown, value: `**${section}** (environment file section)\n\n${text}` },
        range: { start: doc.positionAt(r.start), end: doc.positionAt(r.end) },
      };
    }
    return null;
  }
}

/** The candidate within edit distance 3 of `word`, if any. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const best = closestName(word, candidates);
  return best && editDistance(word.toLowerCase(), best.toLowerCase()) <= 3 ? best : undefined;
}
