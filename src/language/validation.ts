import { Diagnostic, DiagnosticSeverity } from 'vscode-languageserver-types';
import { isMap, isScalar, isSeq, visit, type Node, type Pair, type Scalar } from 'yaml';
import { closestName, editDistance } from '../tripleo/names';
import { isMergeKey } from '../tripleo/heatYaml';
import { checkMapAgainstFiles, isOutsidePlan, normalizePath, readCapabilitiesMap } from '../tripleo/capabilitiesMap';
import { selectionProblems } from '../tripleo/capabilities';
import { ENVIRONMENT_SECTIONS, isJinjaTemplate } from './fileKind';
import { keyName, nodeRange, type ParsedYaml } from './yamlDocument';
import { ParameterDefinition, plainValue, PlanIndex, suggestParameter, valueCheck, type ValueCheck } from './planIndex';
import type { DocumentContext } from './navigation';
import type { DiagnosticData } from './codeActions';

export const SOURCE = 'tripleo';

/** What is wrong with one `Name: value` of an environment, against one version of the plan's parameters. */
export interface ParameterCheck {
  /** the plan's parameter table the check was made against */
  tables: Map<string, ParameterDefinition[]>;
  /** set for a parameter no template declares: the suggestion, or null */
  unknown?: string | null;
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

/** Checks of a document; with its place in a plan, also against the templates of its plan. */
export function validateDocument(ctx: DocumentContext, checked: ParameterChecks): Diagnostic[] {
  const { doc, kind, parsed, place } = ctx;
  const out: Diagnostic[] = [];
  const diag: Report = (start, end, message, code, severity = DiagnosticSeverity.Error, data) =>
    out.push({ range: { start: doc.positionAt(start), end: doc.positionAt(end) }, message, code, severity, source: SOURCE, ...(data ? { data } : {}) });

  // Jinja markup is not YAML: syntax errors there are expected until the template is rendered.
  if (!isJinjaTemplate(doc.uri)) {
    for (const p of parsed.problems) diag(p.range.start, p.range.end, p.message, p.code, p.severity === 'warning' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Error);
  }
  if (kind === 'environment') {
    for (const pair of parsed.topLevel) {
      const name = keyName(pair);
      const r = nodeRange(pair.key);
      if (!name || !r || (ENVIRONMENT_SECTIONS as readonly string[]).includes(name)) continue;
      const near = closest(name, ENVIRONMENT_SECTIONS);
      diag(r.start, r.end, `Unknown section "${name}" in an environment file${near ? `; did you mean "${near}"?` : ''}. Heat accepts: ${ENVIRONMENT_SECTIONS.join(', ')}.`, 'env-unknown-section', DiagnosticSeverity.Error, near ? { replacement: near } : undefined);
    }
    if (place) {
      validateAgainstPlan(parsed, place.index, place.path, diag, checked);
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
    if (p.message.startsWith('Map keys') || p.message.includes('YAML')) continue;
    const start = p.line ? lineStart(p.line) : 0;
    diag(start, start + Math.max(1, (text.slice(start).split('\n')[0] ?? '').length), p.message, 'map-invalid');
  }
  if (!place) return;
  for (const problem of checkMapAgainstFiles(map, place.index.files)) {
    const file = problem.split(' ')[problem.startsWith('root_') ? 1 : 0];
    const mentioned = problem.includes(' requires ') ? problem.split(' requires ')[1].split(',')[0] : file;
    const at = Math.max(0, text.indexOf(mentioned));
    diag(at, at + mentioned.length, problem, problem.includes('more than once') ? 'map-duplicate' : isOutsidePlan(file) ? 'path-outside-plan' : 'map-missing-file');
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
    const known = /^(2013-05-23|2014-10-16|2015-04-30|2015-10-15|2016-04-08|2016-10-14|2017-02-24|2017-09-01|2018-03-02|2018-08-31|2021-04-16|newton|ocata|pike|queens|rocky|wallaby)$/;
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
    const checks = defs.map((d) => ({ d, check: valueCheck(d, value) })).filter((x) => x.check);
    const refusing = checks.find((x) => !x.check!.undecided) ?? checks[0];
    result = { tables: index.parameters, invalid: refusing ? { ...refusing.check!, message: `${refusing.check!.message} (${refusing.d.template})` } : undefined };
  }
  checked.set(p, result);
  return result;
}

function validateAgainstPlan(parsed: ParsedYaml, index: PlanIndex, path: string, diag: Report, checked: ParameterChecks): void {
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
