import { Diagnostic, DiagnosticSeverity } from 'vscode-languageserver-types';
import { isMap, isScalar, isSeq, visit, type Node, type Pair, type Scalar } from 'yaml';
import { closestName, editDistance } from '../tripleo/names';
import { isMergeKey } from '../tripleo/heatYaml';
import { checkMapAgainstFiles, isOutsidePlan, readCapabilitiesMap } from '../tripleo/capabilitiesMap';
import { selectionProblems } from '../tripleo/capabilities';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { detectFileKind, ENVIRONMENT_SECTIONS } from './fileKind';
import { sourcePosition } from './renderedPlan';
import { keyName, nodeRange, parseYaml, type ParsedYaml } from './yamlDocument';
import { ParameterDefinition, plainValue, PlanIndex, suggestParameter, templatesInUse, valueCheck, type ValueCheck } from './planIndex';
import { resolvePlanPath, type DocumentContext } from './navigation';
import type { DiagnosticData } from './codeActions';

export const SOURCE = 'tripleo';

/** What is wrong with one `Name: value` of an environment, against one version of the plan's parameters. */
export interface ParameterCheck {
  /** the plan's parameter table the check was made against */
  tables: Map<string, ParameterDefinition[]>;
  /** set for a parameter no template declares: the suggestion, or null */
  unknown?: string | null;
  /** the refusing template is not among those the plan uses by default */
  optional?: boolean;
  invalid?: ValueCheck;
}

/** Checks remembered per parsed pair: the pieces of a document an edit leaves alone keep their pairs. */
export type ParameterChecks = WeakMap<object, ParameterCheck>;

type Report = (start: number, end: number, message: string, code: string, severity?: DiagnosticSeverity, data?: DiagnosticData) => void;

/** The candidate within edit distance 3 of `word`, if any. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const best = closestName(word, candidates);
  return best && editDistance(word.toLowerCase(), best.toLowerCase()) <= 3 ? best : undefined;
}

/**
 * A Jinja source checked as the files it renders to, each finding placed on the source line that
 * produced it (once, however many roles or networks rendered it), and its Jinja errors at their line.
 */
export function validateJinjaSource(ctx: Pick<DocumentContext, 'doc' | 'place' | 'templatePrefixes'>, checked: ParameterChecks): Diagnostic[] {
  const { doc, place } = ctx;
  // Jinja markup is not YAML: only what it renders to is checked (nothing before roles_data.yaml exists)
  const index = place?.index;
  const plan = index?.rendering;
  if (!place || !index || !plan) return [];
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  const lineText = (line: number) => doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).replace(/\r?\n$/, '');
  for (const e of plan.errors) {
    if (e.file !== place.path) continue;
    const line = Math.max(0, e.line - 1);
    const text = lineText(line);
    out.push({
      range: { start: { line, character: text.length - text.trimStart().length }, end: { line, character: Math.max(text.length, 1) } },
      message: `Jinja: ${e.reason}`,
      code: 'jinja-error',
      severity: DiagnosticSeverity.Error,
      source: SOURCE,
    });
  }
  for (const rendered of plan.outputs.values()) {
    if (rendered.source !== place.path) continue;
    const rdoc = TextDocument.create(`${index.root}/${rendered.path}`, 'yaml', 1, rendered.text);
    const parsed = parseYaml(rendered.text);
    const found = validateDocument(
      { doc: rdoc, kind: detectFileKind(rdoc.uri, parsed), parsed, place: { index, path: rendered.path }, templatePrefixes: ctx.templatePrefixes },
      checked,
    );
    for (const d of found) {
      const start = rdoc.offsetAt(d.range.start);
      const end = d.range.end.line === d.range.start.line ? rdoc.offsetAt(d.range.end) : rdoc.offsetAt({ line: d.range.start.line + 1, character: 0 }) - 1;
      const at = sourcePosition(plan, rendered, d.range.start.line, rendered.text.slice(start, end) || undefined);
      if (at.file !== place.path) continue;
      const key = `${at.line}:${at.character}:${d.code}:${d.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const width = Math.max(1, Math.min(end - start, lineText(at.line).length - at.character));
      out.push({
        ...d,
        range: { start: { line: at.line, character: at.character }, end: { line: at.line, character: at.character + width } },
        message: `${d.message} (in the rendered ${rendered.path})`,
      });
    }
  }
  return out;
}

/** Checks of a document; with its place in a plan, also against the templates of its plan. */
export function validateDocument(ctx: DocumentContext, checked: ParameterChecks): Diagnostic[] {
  const { doc, kind, parsed, place } = ctx;
  const out: Diagnostic[] = [];
  const diag: Report = (start, end, message, code, severity = DiagnosticSeverity.Error, data) =>
    out.push({ range: { start: doc.positionAt(start), end: doc.positionAt(end) }, message, code, severity, source: SOURCE, ...(data ? { data } : {}) });

  {
    for (const p of parsed.problems)
      diag(p.range.start, p.range.end, p.message, p.code, p.severity === 'warning' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Error);
  }
  if (kind === 'environment') {
    for (const pair of parsed.topLevel) {
      const name = keyName(pair);
      const r = nodeRange(pair.key);
      if (!name || !r || (ENVIRONMENT_SECTIONS as readonly string[]).includes(name)) continue;
      const near = closest(name, ENVIRONMENT_SECTIONS);
      diag(
        r.start,
        r.end,
        `Unknown section "${name}" in an environment file${near ? `; did you mean "${near}"?` : ''}. Heat accepts: ${ENVIRONMENT_SECTIONS.join(', ')}.`,
        'env-unknown-section',
        DiagnosticSeverity.Error,
        near ? { replacement: near } : undefined,
      );
    }
    if (place) {
      validateAgainstPlan(parsed, place.index, place.path, diag, checked, ctx.templatePrefixes);
      const { map, selection } = place.index;
      if (map && selection?.includes(place.path) && parsed.topLevel[0]) {
        const r = nodeRange(parsed.topLevel[0].key)!;
        for (const p of selectionProblems(map, selection).filter((x) => x.file === place.path)) {
          const data: DiagnosticData = p.kind === 'requires' ? { addToSelection: p.related[0] } : { removeFromSelection: [...p.related, p.file] };
          diag(
            r.start,
            r.end,
            `${p.message} in plan-environment.yaml`,
            p.kind === 'requires' ? 'env-requires-missing' : 'env-exclusive-conflict',
            DiagnosticSeverity.Warning,
            data,
          );
        }
      }
      if (place.index.mapped.size && !place.index.mapped.has(place.path) && parsed.topLevel[0]) {
        const r = nodeRange(parsed.topLevel[0].key)!;
        diag(
          r.start,
          r.end,
          `${place.path} is not listed in capabilities-map.yaml: clients show it under "Other"`,
          'env-not-in-map',
          DiagnosticSeverity.Information,
        );
      }
    }
  }
  if (kind === 'capabilities-map') validateMap(ctx, diag);
  if (kind === 'heat-template') validateTemplate(parsed, diag);
  return out;
}

function validateMap(ctx: DocumentContext, diag: Report): void {
  const { doc, place } = ctx;
  const text = doc.getText();
  const lineStart = (line: number) => doc.offsetAt({ line: line - 1, character: 0 });
  const { map, problems } = readCapabilitiesMap(text);
  for (const p of problems) {
    // syntax errors are reported with the document's own parse
    if (p.syntax) continue;
    const start = p.line ? lineStart(p.line) : 0;
    diag(start, start + Math.max(1, (text.slice(start).split('\n')[0] ?? '').length), p.message, 'map-invalid', DiagnosticSeverity.Warning);
  }
  if (!place) return;
  const codes = {
    duplicate: 'map-duplicate',
    'outside-plan': 'path-outside-plan',
    'missing-file': 'map-missing-file',
    'missing-requirement': 'map-missing-file',
  } as const;
  for (const problem of checkMapAgainstFiles(map, place.index.files)) {
    const at = Math.max(0, text.indexOf(problem.mentioned));
    // Heat never reads the map: a wrong entry is one the clients offer and a deploy then lacks
    diag(at, at + problem.mentioned.length, problem.message, codes[problem.kind], DiagnosticSeverity.Warning);
  }
}

/** get_param / get_resource / get_attr / depends_on naming what the template does not define. */
function validateTemplate(parsed: ParsedYaml, diag: Report): void {
  const root = parsed.doc.contents;
  if (!isMap(root)) return;
  const version = root.get('heat_template_version', true);
  if (isScalar(version)) {
    const v = String(version.value);
    // the versions Heat has a template class for (heat/engine/hot/template.py), by date and by release name
    const known =
      /^(2013-05-23|2014-10-16|2015-04-30|2015-10-15|2016-04-08|2016-10-14|2017-02-24|2017-09-01|2018-03-02|2018-08-31|2021-04-16|newton|ocata|pike|queens|rocky|wallaby)$/;
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
    diag(
      r.start,
      r.end,
      `no ${kind} "${name}" in this template${near ? `; did you mean "${near}"?` : ''}`,
      code,
      DiagnosticSeverity.Error,
      near ? { replacement: near } : undefined,
    );
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
function checkParameter(p: Pair<unknown, unknown>, index: PlanIndex, checked: ParameterChecks): ParameterCheck | undefined {
  const hit = checked.get(p);
  if (hit && hit.tables === index.parameters) return hit;
  const name = String((p.key as Scalar).value);
  const defs = index.parameters.get(name);
  let result: ParameterCheck;
  if (!defs) result = { tables: index.parameters, unknown: suggestParameter(index, name) ?? null };
  else {
    const value = plainValue(p.value);
    // every template that declares it checks the value: one refusal fails the deploy
    // (a template the plan does not use by default refuses it only once an environment chooses it)
    const used = templatesInUse(index);
    const checks = defs.map((d) => ({ d, check: valueCheck(d, value), used: used.has(d.rendered ?? d.template) })).filter((x) => x.check);
    const refusing = checks.find((x) => !x.check!.undecided && x.used) ?? checks.find((x) => !x.check!.undecided) ?? checks[0];
    result = {
      tables: index.parameters,
      invalid: refusing
        ? {
            ...refusing.check!,
            message: `${refusing.check!.message} (${refusing.d.template}${refusing.used ? '' : ', a template the plan uses only when an environment maps it'})`,
          }
        : undefined,
      optional: refusing ? !refusing.used : undefined,
    };
  }
  checked.set(p, result);
  return result;
}

function validateAgainstPlan(parsed: ParsedYaml, index: PlanIndex, path: string, diag: Report, checked: ParameterChecks, prefixes?: readonly string[]): void {
  const base = path.includes('/') ? path.slice(0, path.lastIndexOf('/') + 1) : '';
  for (const pair of parsed.topLevel) {
    const section = keyName(pair);
    if ((section === 'parameter_defaults' || section === 'parameters') && isMap(pair.value)) {
      for (const p of pair.value.items) {
        if (!isScalar(p.key) || isMergeKey(p.key)) continue;
        const found = checkParameter(p, index, checked);
        if (!found) continue;
        const kr = nodeRange(p.key)!;
        if (found.unknown !== undefined) {
          const near = found.unknown ?? undefined;
          diag(
            kr.start,
            kr.end,
            `No template of this plan has a parameter "${p.key.value}"${near ? ` (did you mean "${near}"?)` : ''}: Heat would ignore it.`,
            'env-unknown-parameter',
            DiagnosticSeverity.Warning,
            near ? { replacement: near } : undefined,
          );
        } else if (found.invalid) {
          const vr = nodeRange(p.value) ?? kr;
          if (found.invalid.undecided) diag(vr.start, vr.end, found.invalid.message, 'env-value-unchecked', DiagnosticSeverity.Warning);
          else diag(vr.start, vr.end, found.invalid.message, 'env-invalid-value', found.optional ? DiagnosticSeverity.Warning : DiagnosticSeverity.Error);
        }
      }
    }
    if (section === 'resource_registry' && isMap(pair.value)) {
      for (const p of pair.value.items) {
        if (!isScalar(p.value) || typeof p.value.value !== 'string') continue;
        const target = p.value.value;
        if (target.includes('::') || !/\.ya?ml$/.test(target) || /^[a-z]+:\/\//.test(target)) continue;
        const resolved = resolvePlanPath(target, base, prefixes);
        if (!index.files.has(resolved)) {
          const r = nodeRange(p.value)!;
          if (isOutsidePlan(resolved))
            diag(r.start, r.end, `${target} climbs above the plan folder (from ${path}): Heat gets only the plan's files`, 'path-outside-plan');
          else diag(r.start, r.end, `${target} does not exist in the plan (resolved from ${path} to ${resolved})`, 'env-missing-template');
        }
      }
    }
  }
}
