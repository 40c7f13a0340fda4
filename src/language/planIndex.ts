import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { dropFinalBreak, heatValue, HEAT_YAML_OPTIONS, isMergeKey, parseHeatYaml } from '../tripleo/heatYaml';
import type { ParsedYaml } from './yamlDocument';
import { closestName } from '../tripleo/names';
import { needsRendering, type RenderedTemplate } from '../tripleo/templateRendering';
import { folderOf, resolvePlanPath } from './planPaths';
import { forgetSourceLines, isRenderInput, RenderedPlan, renderSources, sourcePosition } from './renderedPlan';
import { allEnvironments, CapabilitiesMap, normalizePath, readCapabilitiesMap } from '../tripleo/capabilitiesMap';
import { fullMatch } from './boundedMatch';
import { isSecretName, MASK } from '../openstack/redact';

export interface ParameterDefinition {
  name: string;
  /** plan-relative path of the template that declares it */
  template: string;
  /** where the name is declared in the template: zero-based line and column */
  line: number;
  character: number;
  type: string;
  default?: unknown;
  description?: string;
  label?: string;
  hidden: boolean;
  constraints: {
    allowedValues?: unknown[];
    range?: { min?: number; max?: number };
    length?: { min?: number; max?: number };
    allowedPattern?: string;
    description?: string;
  }[];
  /** for a declaration in a Jinja source (`template` is then the .j2.yaml): the rendered file Heat reads it from */
  rendered?: string;
}

/** Where a file names a parameter: a get_param in a template, a key of an environment's parameter_defaults/parameters. */
export interface ParameterUse {
  name: string;
  line: number;
  character: number;
  kind: 'get_param' | 'environment';
  /** the file it is written in, when not the summarized one (a rendered file's use sits in its Jinja source) */
  file?: string;
}

/** What one file of a plan tells about the plan, from a single parse. */
export interface FileSummary {
  /** a Heat template (Jinja ones included), as opposed to an environment or another file */
  isTemplate: boolean;
  /** parameters a template declares */
  parameters: ParameterDefinition[];
  uses: ParameterUse[];
  /** OS::* resource types the file names: resource_registry keys, templates' resource types */
  resourceTypes: string[];
  /** values an environment file gives to parameters */
  values?: Map<string, unknown>;
  /** plan-environment.yaml: its selected environments and where another one would go */
  selection?: SelectionFile;
  /** an environment's resource_registry: type -> plan path of the template it maps to */
  registry?: Map<string, string>;
  /** templates a template nests by file path (`type: x.yaml`), as plan paths */
  nested?: string[];
  /** OS::* types a template makes resources of: `type:` values anywhere in its resources, and types its parameters' defaults list (a role's services) */
  instantiates?: string[];
}

export interface SelectionFile {
  entries: { path: string; line: number; endLine: number }[];
  /** the text a new entry is inserted with (indented like the others), and where */
  insertAt: { line: number; character: number };
  entryPrefix: string;
  /** from the end of the `environments` key to the end of its flow list (`environments: []`): rewritten as a whole, as a block list */
  flow?: { start: { line: number; character: number }; end: { line: number; character: number } };
}

/** What the language service knows of one plan folder: every template's parameters and its files. */
export interface PlanIndex {
  /** folder URI without trailing slash */
  root: string;
  files: Set<string>;
  parameters: Map<string, ParameterDefinition[]>;
  /** environment files the capabilities map lists, and its root environment */
  mapped: Set<string>;
  /** the map's entries by file: title and description for hovers */
  mapEntries: Map<string, { title: string; description?: string }>;
  map?: CapabilitiesMap;
  /** the selection of the local plan-environment.yaml, when there is one */
  selection?: string[];
  /** per YAML file of the plan: what it declares and uses (kept to update one file at a time) */
  summaries: Map<string, FileSummary>;
  /** every OS::* resource type the plan's registries and templates name */
  resourceTypes: Set<string>;
  /** files whose reading threw (plan path -> message): left out of the tables, reported on the file */
  failures?: Map<string, string>;
  /** the rendered plan, when it has roles_data.yaml and Jinja sources: its files count as the plan's */
  rendering?: RenderedPlan;
}

const num = (v: unknown) => (typeof v === 'number' ? v : undefined);

/** Heat's reading without the checks for repeated keys and merges: indexing reads files nobody is editing. */
function parseForIndex(text: string): ParsedYaml {
  let lineCounter = new LineCounter();
  let doc = parseDocument(text, { ...HEAT_YAML_OPTIONS, lineCounter }) as Document.Parsed;
  // what the yaml package refuses and PyYAML loads (a rare file) goes the whole way
  if (doc.errors.length) ({ doc, lineCounter } = parseHeatYaml(text));
  if (text.length && text.charCodeAt(text.length - 1) !== 10) dropFinalBreak(doc.contents, text.length);
  return { doc, lineCounter, problems: [], topLevel: isMap(doc.contents) ? (doc.contents.items as ParsedYaml['topLevel']) : [] };
}

const position = (p: { line: number; col: number }) => ({ line: p.line - 1, character: p.col - 1 });

function declaredParameters(
  template: string,
  params: Node | null | undefined,
  at: (offset: number) => { line: number; character: number },
  doc: Document,
): ParameterDefinition[] {
  if (!isMap(params)) return [];
  const out: ParameterDefinition[] = [];
  for (const pair of params.items) {
    if (!isScalar(pair.key) || !isMap(pair.value)) continue;
    const p = heatValue(pair.value, doc) as Record<string, unknown>;
    const constraints = (Array.isArray(p.constraints) ? p.constraints : [])
      .filter((c) => c && typeof c === 'object')
      .map((c: Record<string, unknown>) => {
        const r = (c.range ?? undefined) as Record<string, unknown> | undefined;
        const l = (c.length ?? undefined) as Record<string, unknown> | undefined;
        return {
          allowedValues: Array.isArray(c.allowed_values) ? c.allowed_values : undefined,
          range: r ? { min: num(r.min), max: num(r.max) } : undefined,
          length: l ? { min: num(l.min), max: num(l.max) } : undefined,
          allowedPattern: typeof c.allowed_pattern === 'string' ? c.allowed_pattern : undefined,
          description: typeof c.description === 'string' ? c.description : undefined,
        };
      });
    out.push({
      name: String(pair.key.value),
      template,
      ...at(pair.key.range![0]),
      type: String(p.type ?? 'string'),
      default: p.default,
      description: typeof p.description === 'string' ? p.description.trim() : undefined,
      label: typeof p.label === 'string' ? p.label : undefined,
      hidden: p.hidden === true,
      constraints,
    });
  }
  return out;
}

/** The value of a node as Heat loads it (a scalar's without copying anything). */
export function plainValue(node: unknown, doc?: Document): unknown {
  if (isScalar(node)) return node.value;
  return heatValue(node, doc);
}

const RESOURCE_TYPE = /\bOS::\w+(?:::\w+)+\b(?!::|\{)/g;

/** What a file declares and uses, from its parse (Jinja templates from their text: they are not YAML yet). */
export function summarizeFile(path: string, parsed: ParsedYaml, text?: string, lazy = false): FileSummary {
  const summary: FileSummary = { isTemplate: false, parameters: [], uses: [], resourceTypes: [] };
  if (/\.j2\.ya?ml$/.test(path)) {
    summary.isTemplate = (text ?? '').includes('heat_template_version');
    summary.resourceTypes = [...new Set((text ?? '').match(RESOURCE_TYPE) ?? [])];
    return summary;
  }
  const root = parsed.doc.contents;
  if (!isMap(root)) return summary;
  const at = (offset: number) => position(parsed.lineCounter.linePos(offset));
  const types = new Set<string>();
  const get = (key: string) => parsed.topLevel.find((p) => isScalar(p.key) && p.key.value === key)?.value;
  if (parsed.topLevel.some((p) => isScalar(p.key) && p.key.value === 'heat_template_version')) {
    summary.isTemplate = true;
    summary.parameters = declaredParameters(path, get('parameters'), at, parsed.doc);
    const resources = get('resources');
    if (isMap(resources)) {
      for (const r of resources.items) {
        const type = isMap(r.value) ? r.value.get('type') : undefined;
        if (typeof type === 'string' && type.startsWith('OS::')) types.add(type);
      }
    }
    const nested = new Set<string>();
    const made = new Set<string>();
    for (const p of summary.parameters) if (Array.isArray(p.default)) for (const v of p.default) if (typeof v === 'string' && v.startsWith('OS::')) made.add(v);
    const walk = (node: unknown): void => {
      if (isMap(node)) {
        for (const pair of node.items) {
          if (isScalar(pair.key) && pair.key.value === 'type' && isScalar(pair.value) && typeof pair.value.value === 'string') {
            const type = pair.value.value;
            if (type.startsWith('OS::')) made.add(type);
            else if (/\.ya?ml$/.test(type) && !/^[a-z]+:\/\//.test(type)) nested.add(normalizePath(folderOf(path) + type));
          }
          if (isScalar(pair.key) && pair.key.value === 'get_param') {
            const target = isSeq(pair.value) ? pair.value.items[0] : pair.value;
            if (isScalar(target) && typeof target.value === 'string' && target.range)
              summary.uses.push({ name: target.value, ...at(target.range[0]), kind: 'get_param' });
          } else walk(pair.value);
        }
      } else if (isSeq(node)) node.items.forEach(walk);
    };
    for (const p of parsed.topLevel)
      if (isScalar(p.key) && (p.key.value === 'resources' || p.key.value === 'outputs' || p.key.value === 'conditions')) walk(p.value);
    if (nested.size) summary.nested = [...nested];
    if (made.size) summary.instantiates = [...made];
  } else {
    const settings = () => {
      const uses: ParameterUse[] = [];
      const values = new Map<string, unknown>();
      for (const section of ['parameters', 'parameter_defaults']) {
        const m = get(section);
        if (!isMap(m)) continue;
        for (const pair of m.items) {
          if (!isScalar(pair.key) || !pair.key.range) continue;
          if (isMergeKey(pair.key)) {
            // `<<: {Name: value}` sets Name as Heat reads it (the section's own keys still win)
            const merged = heatValue(pair.value, parsed.doc);
            for (const [name, value] of Object.entries(merged && typeof merged === 'object' && !Array.isArray(merged) ? merged : {}))
              if (!values.has(name)) values.set(name, value);
            continue;
          }
          const name = String(pair.key.value);
          uses.push({ name, ...at(pair.key.range[0]), kind: 'environment' });
          values.set(name, plainValue(pair.value, parsed.doc));
        }
      }
      return { uses, values: values.size ? values : undefined };
    };
    if (lazy) {
      // read when first asked for (a hover elsewhere, references): an edit does not pay for it
      let read: ReturnType<typeof settings> | undefined;
      Object.defineProperty(summary, 'uses', { enumerable: true, get: () => (read ??= settings()).uses });
      Object.defineProperty(summary, 'values', { enumerable: true, get: () => (read ??= settings()).values });
    } else Object.assign(summary, settings());
    const registry = get('resource_registry');
    if (isMap(registry)) {
      for (const pair of registry.items) {
        if (!isScalar(pair.key) || !String(pair.key.value).startsWith('OS::')) continue;
        types.add(String(pair.key.value));
        const target = isScalar(pair.value) ? pair.value.value : undefined;
        if (typeof target === 'string' && /\.ya?ml$/.test(target) && !target.includes('::'))
          (summary.registry ??= new Map()).set(String(pair.key.value), resolvePlanPath(target, folderOf(path)));
      }
    }
    if (path === 'plan-environment.yaml') summary.selection = selectionFile(parsed, at);
  }
  summary.resourceTypes = [...types];
  return summary;
}

function selectionFile(parsed: ParsedYaml, at: (offset: number) => { line: number; character: number }): SelectionFile | undefined {
  const pair = parsed.topLevel.find((p) => isScalar(p.key) && p.key.value === 'environments');
  if (!pair || !isScalar(pair.key) || !pair.key.range) return undefined;
  const list = pair.value;
  const entries: SelectionFile['entries'] = [];
  if (isSeq(list)) {
    for (const item of list.items) {
      const path = isMap(item) ? item.get('path') : undefined;
      const r = (item as Node).range;
      if (typeof path !== 'string' || !r) continue;
      // an entry's lines run from the one after the previous entry (its "-" may stand on a line of its own)
      const line = list.flow ? at(r[0]).line : entries.length ? entries[entries.length - 1].endLine + 1 : at(pair.key.range[1]).line + 1;
      entries.push({ path: normalizePath(path), line, endLine: at(Math.max(r[0], r[1] - 1)).line });
    }
  }
  const keyEnd = at(pair.key.range[1]);
  if (isSeq(list) && !list.flow && list.items.length) {
    const first = list.items[0] as Node;
    const itemColumn = first.range ? at(first.range[0]).character - 2 : 2;
    return {
      entries,
      insertAt: { line: entries.length ? entries[entries.length - 1].endLine + 1 : keyEnd.line + 1, character: 0 },
      entryPrefix: `${' '.repeat(Math.max(0, itemColumn))}- path: `,
    };
  }
  const valueRange = (list as Node | null)?.range;
  return { entries, insertAt: keyEnd, entryPrefix: '  - path: ', flow: { start: keyEnd, end: valueRange ? at(valueRange[1]) : keyEnd } };
}

/** Builds the index of a plan folder from its files (path relative to the folder -> text; '' for files not read). */
export function buildPlanIndex(root: string, files: Map<string, string>): PlanIndex {
  const index: PlanIndex = {
    root: root.replace(/\/+$/, ''),
    files: new Set(files.keys()),
    parameters: new Map(),
    mapped: new Set(),
    mapEntries: new Map(),
    summaries: new Map(),
    resourceTypes: new Set(),
  };
  const failed = (path: string, e: unknown) => (index.failures ??= new Map()).set(path, (e as Error).message);
  for (const [path, text] of files) {
    if (!/\.ya?ml$/.test(path) || !text) continue;
    try {
      index.summaries.set(path, summarizeFile(path, /\.j2\.ya?ml$/.test(path) ? parseForIndex('') : parseForIndex(text), text));
    } catch (e) {
      // one file nobody can read must not take the plan's other files with it
      failed(path, e);
    }
  }
  try {
    readMap(index, files.get('capabilities-map.yaml'));
  } catch (e) {
    failed('capabilities-map.yaml', e);
  }
  // the inputs are kept even when nothing renders yet: a roles_data.yaml added later renders them
  const inputs = new Map<string, string>();
  for (const [path, text] of files) if (isRenderInput(path)) inputs.set(path, text);
  if (inputs.size) {
    index.rendering = { inputs, outputs: new Map(), errors: [], shadowed: new Set() };
    if (needsRendering(files.keys())) render(index);
  }
  aggregate(index);
  return index;
}

/** Renders the plan again (or the outputs of one source) and takes the rendered files into the index. */
function render(index: PlanIndex, source?: string): void {
  const plan = index.rendering!;
  const { outputs, errors } = renderSources(plan.inputs, source);
  for (const [path, out] of plan.outputs) {
    if (source !== undefined && out.source !== source) continue;
    plan.outputs.delete(path);
    index.summaries.delete(path);
    if (!plan.shadowed.has(path)) index.files.delete(path);
  }
  plan.errors = source === undefined ? errors : [...plan.errors.filter((e) => e.file !== source), ...errors];
  for (const out of outputs) {
    if (index.files.has(out.path) && !plan.outputs.has(out.path)) plan.shadowed.add(out.path);
    plan.outputs.set(out.path, out);
    index.files.add(out.path);
    try {
      index.summaries.set(out.path, summarizeRendered(plan, out));
    } catch (e) {
      (index.failures ??= new Map()).set(out.path, (e as Error).message);
    }
  }
}

/** A rendered file's summary with its declarations and uses placed in the Jinja source they come from. */
function summarizeRendered(plan: RenderedPlan, out: RenderedTemplate): FileSummary {
  const summary = summarizeFile(out.path, parseForIndex(out.text), out.text);
  summary.parameters = summary.parameters.map((p) => {
    const at = sourcePosition(plan, out, p.line, p.name);
    return { ...p, template: at.file, line: at.line, character: at.character, rendered: out.path };
  });
  summary.uses = summary.uses.map((u) => {
    const at = sourcePosition(plan, out, u.line, u.name);
    return { ...u, file: at.file, line: at.line, character: at.character };
  });
  return summary;
}

/**
 * Whether TripleO reads a file of the plan as an environment: listed in the capabilities map (or its
 * root environment), selected in plan-environment.yaml, or in `environments/` (shown as "Other").
 * Anything else that looks like one (CI job inputs, the sample-environment generator's input, files
 * meant to be copied elsewhere) is not checked as one. A folder without a map has no such list.
 */
export function isPlanEnvironment(index: PlanIndex, path: string): boolean {
  if (!index.map) return true;
  return index.mapped.has(path) || !!index.selection?.includes(path) || path.startsWith('environments/');
}

/** The file a person edits for a plan path: a rendered file's Jinja source, else the path itself. */
export function editedFile(index: PlanIndex, path: string): string {
  return index.rendering?.outputs.get(path)?.source ?? path;
}

/**
 * Takes the new text of one file (undefined: deleted) into the index, without reading the others.
 * `parsed` is the parse the caller already has of that text, if any. True when what the plan's
 * other files are checked against changed (parameters, resource types, the map, the selection).
 */
export function updatePlanFile(index: PlanIndex, path: string, text: string | undefined, parsed?: ParsedYaml): boolean {
  if (isRenderInput(path)) {
    updateRenderInput(index, path, text);
    return true;
  }
  const before = index.summaries.get(path);
  index.failures?.delete(path);
  if (text === undefined) {
    index.files.delete(path);
    index.summaries.delete(path);
  } else {
    index.files.add(path);
    // with the caller's parse (an open document's), an environment's values are read only when asked for
    if (/\.ya?ml$/.test(path))
      index.summaries.set(
        path,
        summarizeFile(path, parsed ?? (/\.j2\.ya?ml$/.test(path) ? parseForIndex('') : parseForIndex(text)), text, parsed !== undefined),
      );
  }
  if (path === 'capabilities-map.yaml') readMap(index, text);
  const after = index.summaries.get(path);
  const changed = (s?: FileSummary) =>
    JSON.stringify([s?.parameters.map((p) => [p.name, p.line, p.type, p.default, p.hidden, p.constraints]), s?.resourceTypes, s?.selection?.entries]);
  if (path !== 'capabilities-map.yaml' && path !== 'plan-environment.yaml' && changed(before) === changed(after)) return false;
  aggregate(index);
  return true;
}

/**
 * A Jinja source, an include, roles_data, network_data or j2_excludes changed: a source renders
 * again on its own, anything else renders the whole plan again (a new role, a new network...).
 */
function updateRenderInput(index: PlanIndex, path: string, text: string | undefined): void {
  index.failures?.delete(path);
  if (text === undefined) index.files.delete(path);
  else index.files.add(path);
  if (/\.j2\.ya?ml$/.test(path)) {
    if (text === undefined) index.summaries.delete(path);
    else index.summaries.set(path, summarizeFile(path, parseForIndex(''), text));
  }
  if (!index.rendering) {
    const inputs = new Map<string, string>();
    index.rendering = { inputs, outputs: new Map(), errors: [], shadowed: new Set() };
  }
  const plan = index.rendering;
  if (text === undefined) plan.inputs.delete(path);
  else plan.inputs.set(path, text);
  forgetSourceLines(plan, path);
  // without roles_data.yaml nothing renders, and what was rendered goes
  render(index, /\.j2\.ya?ml$/.test(path) ? path : undefined);
  aggregate(index);
}

function readMap(index: PlanIndex, mapText: string | undefined): void {
  index.mapped = new Set();
  index.mapEntries = new Map();
  index.map = undefined;
  if (!mapText) return;
  const map = readCapabilitiesMap(mapText).map;
  index.map = map;
  for (const { env } of allEnvironments(map)) {
    index.mapped.add(env.file);
    index.mapEntries.set(env.file, { title: env.title, description: env.description });
  }
  if (map.rootEnvironment) index.mapped.add(normalizePath(map.rootEnvironment));
}

/** The plan-wide tables, from the files' summaries. */
function aggregate(index: PlanIndex): void {
  const parameters = new Map<string, ParameterDefinition[]>();
  const types = new Set<string>();
  for (const [, s] of index.summaries) {
    for (const p of s.parameters) {
      const defs = parameters.get(p.name);
      if (defs) defs.push(p);
      else parameters.set(p.name, [p]);
    }
    for (const t of s.resourceTypes) types.add(t);
  }
  index.parameters = parameters;
  index.resourceTypes = types;
  index.selection = index.summaries.get('plan-environment.yaml')?.selection?.entries.map((e) => e.path);
  suggestions.delete(index);
}

const inUse = new WeakMap<Map<string, ParameterDefinition[]>, Set<string>>();

/**
 * The templates a deploy of the plan uses by default: the root template, what the root environment
 * and the selected environments map resource types to, and what those nest by path. A template
 * outside it (say an OVN plug-in only an optional environment maps) refuses a value only when chosen.
 */
export function templatesInUse(index: PlanIndex): Set<string> {
  let found = inUse.get(index.parameters);
  if (found) return found;
  found = new Set<string>();
  const registry = new Map<string, string>();
  for (const env of [index.map?.rootEnvironment, ...(index.selection ?? [])]) {
    for (const [type, target] of (env ? index.summaries.get(normalizePath(env))?.registry : undefined) ?? []) registry.set(type, target);
  }
  const todo = [normalizePath(index.map?.rootTemplate ?? 'overcloud.yaml')];
  while (todo.length) {
    const t = todo.pop()!;
    if (found.has(t)) continue;
    found.add(t);
    const s = index.summaries.get(t);
    for (const n of s?.nested ?? []) todo.push(n);
    for (const type of s?.instantiates ?? []) {
      const target = registry.get(type);
      if (target) todo.push(target);
    }
  }
  inUse.set(index.parameters, found);
  return found;
}

const suggestions = new WeakMap<PlanIndex, Map<string, string | undefined>>();

/** The plan's parameter closest to an unknown name (remembered: the same typo is checked at every keystroke). */
export function suggestParameter(index: PlanIndex, name: string): string | undefined {
  let known = suggestions.get(index);
  if (!known) suggestions.set(index, (known = new Map()));
  if (!known.has(name)) known.set(name, closestName(name, index.parameters.keys()));
  return known.get(name);
}

/** Why a value does not fit a parameter definition, or undefined when it does (Heat's rules). */
export function valueProblem(def: ParameterDefinition, value: unknown): string | undefined {
  return valueCheck(def, value)?.message;
}

/** A value a check refuses, or one it could not decide (undecided: the value may be fine). */
export interface ValueCheck {
  message: string;
  undecided?: boolean;
}

export function valueCheck(def: ParameterDefinition, value: unknown): ValueCheck | undefined {
  const message = typeOrConstraintProblem(def, value);
  if (message !== undefined) return { message };
  if (
    ['number', 'boolean', 'json', 'comma_delimited_list'].includes(def.type.toLowerCase()) ||
    value === null ||
    value === undefined ||
    typeof value === 'object'
  )
    return undefined;
  const s = String(value);
  for (const c of def.constraints) {
    if (c.allowedPattern === undefined) continue;
    const matched = fullMatch(c.allowedPattern, s);
    if (matched === false) return { message: c.description ?? `${def.name} must match ${c.allowedPattern}` };
    if (matched === undefined)
      return {
        message: `${def.name}: allowed_pattern ${c.allowedPattern} was not checked: matching it backtracks without end (or the value is too long); Heat may hang on it too`,
        undecided: true,
      };
  }
  return undefined;
}

/** Every rule but allowed_pattern. */
function typeOrConstraintProblem(def: ParameterDefinition, value: unknown): string | undefined {
  // a diagnostic leaves the process: a hidden or secret parameter's value is not repeated in it
  const shown = () => (def.hidden || isSecretName(def.name) ? MASK : JSON.stringify(value));
  const t = def.type.toLowerCase();
  if (value === null || value === undefined) return undefined;
  if (t === 'number') {
    const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' && !isNaN(Number(value)) ? Number(value) : undefined;
    if (n === undefined) return `${def.name} is a number, not ${shown()}`;
    for (const c of def.constraints) {
      if (c.range && ((c.range.min !== undefined && n < c.range.min) || (c.range.max !== undefined && n > c.range.max)))
        return c.description ?? `${def.name} must be between ${c.range.min ?? '-∞'} and ${c.range.max ?? '∞'}`;
      if (c.allowedValues && !c.allowedValues.some((a) => Number(a) === n)) return c.description ?? `${def.name} must be one of ${c.allowedValues.join(', ')}`;
    }
    return undefined;
  }
  if (t === 'boolean') {
    const ok =
      typeof value === 'boolean' || (typeof value === 'string' && /^(true|false|yes|no|on|off|t|f|y|n|1|0)$/i.test(value)) || value === 0 || value === 1;
    return ok ? undefined : `${def.name} is a boolean, not ${shown()}`;
  }
  if (t === 'json') return typeof value === 'object' || typeof value === 'string' ? undefined : `${def.name} is json (a mapping or a list), not ${shown()}`;
  if (t === 'comma_delimited_list') {
    const ok = Array.isArray(value) || typeof value === 'string';
    if (!ok) return `${def.name} is a comma_delimited_list, not ${shown()}`;
    const items = Array.isArray(value)
      ? value.map(String)
      : String(value)
          .split(',')
          .map((s) => s.trim());
    for (const c of def.constraints)
      if (c.allowedValues)
        for (const i of items) if (!c.allowedValues.map(String).includes(i)) return c.description ?? `${i} is not one of ${c.allowedValues.join(', ')}`;
    return undefined;
  }
  // string
  if (typeof value === 'object') return `${def.name} is a string, not a ${Array.isArray(value) ? 'list' : 'mapping'}`;
  const s = String(value);
  for (const c of def.constraints) {
    if (c.allowedValues && !c.allowedValues.map(String).includes(s)) return c.description ?? `${def.name} must be one of ${c.allowedValues.join(', ')}`;
    if (c.length && ((c.length.min !== undefined && s.length < c.length.min) || (c.length.max !== undefined && s.length > c.length.max)))
      return c.description ?? `${def.name} must be ${c.length.min ?? 0} to ${c.length.max ?? '∞'} characters long`;
  }
  return undefined;
}
