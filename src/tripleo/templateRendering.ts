/**
 * The template processing tripleo-common's plan workflows ran before Heat saw a plan (ProcessTemplatesAction,
 * newton to queens): every `*.j2.yaml` of the plan rendered with Jinja2 from `roles_data.yaml` and, when the
 * tree has one, `network_data.yaml`. What is rendered, under which name and with which context is decided by
 * what the tree contains, never by a release name:
 *  - `*.role.j2.yaml`: once per role, as `<dir>/<role lower>-<name>.yaml`; under `network/config` as
 *    `<dir>/<role lower>.yaml` or the role's `deprecated_nic_config_name`. The context is `role` (the role's
 *    mapping when the template says `{{role.name}}`, else its name plus `disable_constraints`) and `networks`.
 *  - `*.network.j2.yaml`: once per enabled network, `port` (in a `ports` folder) or `network` in the name
 *    replaced by the network's `name_lower`; the context is `network`.
 *  - any other `*.j2.yaml`: once, with `roles` and `networks`.
 *  - per-role and per-network outputs listed under `name:` in `j2_excludes.yaml` are not rendered.
 * Includes are looked up beside the rendered file, then at the plan root (tripleo-common's Swift loader).
 * The role and network mappings are shared by all renders in file order, as they were in one Python process,
 * so a template that changes them is seen by the ones after it.
 */
import { Document, isAlias, isMap, isScalar, isSeq, Node as YamlNode } from 'yaml';
import { isMergeKey, parseHeatYaml } from './heatYaml';
import { PyDict, PyFloat, PyValue, TemplateCache, TemplateRenderError, renderTemplate } from './jinja';
import type { RenderLimits, SourceLine } from './jinja';

export { TemplateRenderError } from './jinja';

export interface RenderedTemplate {
  /** Plan-relative path of the rendered file. */
  path: string;
  /** Plan-relative path of the Jinja source it was rendered from. */
  source: string;
  text: string;
  /** lines[i] = where output line i came from (an included file's line for included text). */
  lines: SourceLine[];
  /** The role or network the file was rendered for, when it was rendered per role or per network. */
  role?: string;
  network?: string;
}

/** A role of roles_data.yaml, as plain data. */
export interface RoleData {
  name: string;
  [key: string]: unknown;
}

/** A network of network_data.yaml, as plain data (`name_lower` filled in for enabled networks). */
export interface NetworkData {
  name: string;
  name_lower?: string;
  enabled?: boolean;
  [key: string]: unknown;
}

export interface RenderResult {
  rendered: RenderedTemplate[];
  errors: TemplateRenderError[];
  roles: RoleData[];
  networks: NetworkData[];
  /** Output paths skipped because j2_excludes.yaml lists them. */
  excluded: string[];
}

export type { SourceLine };

export const ROLES_DATA = 'roles_data.yaml';
export const NETWORK_DATA = 'network_data.yaml';
export const J2_EXCLUDES = 'j2_excludes.yaml';

export function isJinjaSource(path: string): boolean {
  return path.endsWith('.j2.yaml');
}

/** A plan is processed when it has roles_data.yaml and Jinja sources (tripleo-common skipped it otherwise). */
export function needsRendering(paths: Iterable<string>): boolean {
  let roles = false;
  let sources = false;
  for (const p of paths) {
    if (p === ROLES_DATA) roles = true;
    else if (isJinjaSource(p)) sources = true;
    if (roles && sources) return true;
  }
  return false;
}

/** Whether `path` is a file the processing writes (so an upload from the workspace must not delete it). */
export function isRenderedOutput(path: string, result: RenderResult): boolean {
  return result.rendered.some((r) => r.path === path);
}

/** A plan data file read as Heat reads YAML (the shared reader), as Python values: `1.0` stays a float. */
function readYaml(file: string, text: string): { value: PyValue; doc: Document; lineOf: (offset: number) => number } {
  const parsed = parseHeatYaml(text);
  if (parsed.errors.length) throw new TemplateRenderError(file, parsed.errors[0].line, parsed.errors[0].message);
  const budget = { left: 5_000_000 };
  return { value: toPy(parsed.doc.contents as YamlNode | null, parsed.doc, text, budget), doc: parsed.doc, lineOf: (o) => parsed.lineCounter.linePos(o).line };
}

function toPy(node: YamlNode | null | undefined, doc: Document, text: string, budget: { left: number }, depth = 0): PyValue {
  if (--budget.left < 0 || depth > 500) throw new Error('YAML too large or nested too deeply');
  if (!node) return null;
  if (isAlias(node)) return toPy(node.resolve(doc) as YamlNode, doc, text, budget, depth + 1);
  if (isScalar(node)) {
    const v = node.value;
    if (typeof v === 'number') {
      // PyYAML's floats are the plain scalars with a dot (or .inf/.nan); its ints have none
      const src = node.range ? text.slice(node.range[0], node.range[1]) : String(v);
      return node.type === 'PLAIN' && src.includes('.') ? new PyFloat(v) : v;
    }
    if (typeof v === 'bigint') return Number(v);
    if (typeof v === 'string' || typeof v === 'boolean' || v === null || v === undefined) return v ?? null;
    return String(v);
  }
  if (isSeq(node)) return node.items.map((i) => toPy(i as YamlNode, doc, text, budget, depth + 1));
  if (isMap(node)) {
    // PyYAML's flatten_mapping: merged entries first (earlier merge sources win), then the mapping's own
    const merged = new PyDict();
    const own = new PyDict();
    for (const pair of node.items) {
      if (!isMergeKey(pair.key)) {
        own.set(toPy(pair.key as YamlNode, doc, text, budget, depth + 1), toPy(pair.value as YamlNode, doc, text, budget, depth + 1));
        continue;
      }
      const source = toPy(pair.value as YamlNode, doc, text, budget, depth + 1);
      for (const m of Array.isArray(source) ? source : [source])
        if (m instanceof PyDict) for (const [k, v] of m.entries()) if (!merged.has(k)) merged.set(k, v);
    }
    if (merged.size === 0) return own;
    for (const [k, v] of own.entries()) merged.set(k, v);
    return merged;
  }
  return null;
}

/** 1-based line of the n-th item of the top-level sequence, for error messages. */
function itemLine(doc: Document, index: number, lineOf: (offset: number) => number): number {
  const seq = doc.contents;
  const item = isSeq(seq) ? (seq.items[index] as YamlNode | undefined) : undefined;
  return item?.range ? lineOf(item.range[0]) : 1;
}

export function pyToJs(v: PyValue): unknown {
  if (v instanceof PyFloat) return v.value;
  if (Array.isArray(v)) return v.map(pyToJs);
  if (v instanceof PyDict) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of v.entries()) o[typeof k === 'string' ? k : String(pyToJs(k))] = pyToJs(x);
    return o;
  }
  return v;
}

function readRoles(file: string, text: string): PyDict[] {
  const { value, doc, lineOf } = readYaml(file, text);
  if (!Array.isArray(value)) throw new TemplateRenderError(file, 1, 'roles data must be a list of roles');
  value.forEach((r, i) => {
    if (!(r instanceof PyDict)) throw new TemplateRenderError(file, itemLine(doc, i, lineOf), `role ${i + 1} is not a mapping`);
    if (typeof r.get('name') !== 'string' || r.get('name') === '') throw new TemplateRenderError(file, itemLine(doc, i, lineOf), `role ${i + 1} has no name`);
  });
  return value as PyDict[];
}

function readNetworks(file: string, text: string): PyDict[] {
  const { value, doc, lineOf } = readYaml(file, text);
  if (value === null) return [];
  if (!Array.isArray(value)) throw new TemplateRenderError(file, 1, 'network data must be a list of networks');
  value.forEach((n, i) => {
    if (!(n instanceof PyDict)) throw new TemplateRenderError(file, itemLine(doc, i, lineOf), `network ${i + 1} is not a mapping`);
    if (typeof n.get('name') !== 'string' || n.get('name') === '')
      throw new TemplateRenderError(file, itemLine(doc, i, lineOf), `network ${i + 1} has no name`);
  });
  return value as PyDict[];
}

function readExcludes(text: string | undefined): string[] {
  if (text === undefined) return [];
  const { value } = readYaml(J2_EXCLUDES, text);
  if (!(value instanceof PyDict)) return [];
  const names = value.get('name');
  return Array.isArray(names) ? names.filter((n): n is string => typeof n === 'string') : [];
}

const dirname = (p: string) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');
const basename = (p: string) => p.slice(p.lastIndexOf('/') + 1);
const join = (dir: string, name: string) => (dir ? `${dir}/${name}` : name);

/** Jinja2's split_template_path: no `..`, empty and `.` pieces dropped. */
function templatePieces(name: string): string[] | undefined {
  const pieces: string[] = [];
  for (const p of name.split('/')) {
    if (p === '..') return undefined;
    if (p && p !== '.') pieces.push(p);
  }
  return pieces;
}

/** Python's `os.path.join(searchpath, *pieces)` for the plan's `/` paths. */
function includePath(searchpath: string, pieces: string[]): string {
  return [searchpath, ...pieces].filter((p) => p !== '').join('/');
}

/** Sorted by UTF-8 bytes, as Swift lists a container (UTF-16 order differs only beyond the BMP). */
function byteOrder(paths: string[]): string[] {
  return paths
    .map((p) => ({ p, b: Buffer.from(p) }))
    .sort((x, y) => Buffer.compare(x.b, y.b))
    .map((x) => x.p);
}

export interface RenderPlanOptions {
  /** roles_data.yaml text to use instead of the plan's. */
  rolesData?: string;
  /** network_data.yaml text to use instead of the plan's. */
  networkData?: string;
  /** Bounds of each file's render (the language server may ask for tighter ones). */
  limits?: Partial<RenderLimits>;
}

export function renderPlanTemplates(files: ReadonlyMap<string, string>, opts: RenderPlanOptions = {}): RenderResult {
  const result: RenderResult = { rendered: [], errors: [], roles: [], networks: [], excluded: [] };
  const rolesText = opts.rolesData ?? files.get(ROLES_DATA);
  if (rolesText === undefined) return result;
  let roles: PyDict[];
  let networks: PyDict[] = [];
  let excludes: string[];
  try {
    roles = readRoles(ROLES_DATA, rolesText);
    const networkText = opts.networkData ?? files.get(NETWORK_DATA);
    if (networkText !== undefined) networks = readNetworks(NETWORK_DATA, networkText);
    excludes = readExcludes(files.get(J2_EXCLUDES));
  } catch (e) {
    result.errors.push(e instanceof TemplateRenderError ? e : new TemplateRenderError(ROLES_DATA, 1, String(e)));
    return result;
  }

  const roleByName = new Map<string, PyDict>();
  for (const r of roles) roleByName.set(r.get('name') as string, r);
  const enabledNetworks = new Map<string, PyDict>();
  for (const n of networks) {
    if (n.get('enabled') === false) continue;
    const name = n.get('name') as string;
    enabledNetworks.set(name, n);
    const lower = n.get('name_lower');
    if (lower === undefined || lower === null || lower === false || lower === '' || lower === 0) n.set('name_lower', name.toLowerCase());
  }
  // later renders see what earlier ones saw, as in tripleo-common: computed once, before any render
  result.roles = roles.map((r) => pyToJs(r) as RoleData);
  result.networks = networks.map((n) => pyToJs(n) as NetworkData);

  const cache = new TemplateCache();
  const renderedAt = new Map<string, number>();
  const render = (source: string, out: string, context: Record<string, PyValue>, extra: { role?: string; network?: string } = {}) => {
    const searchpath = dirname(out);
    const loader = (name: string) => {
      const pieces = templatePieces(name);
      if (!pieces) return undefined;
      for (const dir of searchpath ? [searchpath, ''] : ['']) {
        const path = includePath(dir, pieces);
        const text = files.get(path);
        if (text !== undefined) return { path, source: text };
      }
      return undefined;
    };
    try {
      const r = renderTemplate(source, files.get(source)!, context, { loader, cache, limits: opts.limits });
      // a second render to the same name overwrote the first object in Swift
      const done: RenderedTemplate = { path: out, source, text: r.text, lines: r.lines, ...extra };
      const earlier = renderedAt.get(out);
      if (earlier !== undefined) result.rendered[earlier] = done;
      else renderedAt.set(out, result.rendered.push(done) - 1);
    } catch (e) {
      // no template content may take down the caller (the language server renders too)
      const err =
        e instanceof TemplateRenderError ? e : new TemplateRenderError(source, 1, `internal error while rendering: ${(e as Error).message ?? String(e)}`);
      // a syntax error in a role or network template fails every render of it: report it once
      if (!result.errors.some((x) => x.message === err.message)) result.errors.push(err);
    }
  };

  // Swift listed a container's objects sorted by their UTF-8 bytes; renders happen in that order
  const sources = byteOrder([...files.keys()].filter(isJinjaSource));
  for (const f of sources) {
    const text = files.get(f)!;
    const dir = dirname(f);
    if (f.endsWith('.role.j2.yaml')) {
      const byName = text.includes('{{role.name}}');
      for (const r of roles) {
        const role = r.get('name') as string;
        let out = join(dir, `${role.toLowerCase()}-${basename(f).split('.role.j2.yaml').join('.yaml')}`);
        if (dir.includes('network/config')) {
          const legacy = roleByName.get(role)!.get('deprecated_nic_config_name');
          out = join(dir, legacy !== undefined && legacy !== null && legacy !== '' && legacy !== false ? (legacy as string) : `${role.toLowerCase()}.yaml`);
        }
        if (excludes.includes(out)) {
          result.excluded.push(out);
          continue;
        }
        const data = roleByName.get(role)!;
        const context: Record<string, PyValue> = byName ? { role: data, networks } : { role, networks };
        if (!byName) {
          const dc = data.get('disable_constraints');
          if (dc !== undefined && dc !== null && dc !== false && dc !== 0 && dc !== '') context.disable_constraints = true;
        }
        render(f, out, context, { role });
      }
    } else if (f.endsWith('.network.j2.yaml')) {
      for (const [name, n] of enabledNetworks) {
        const lower = String(n.get('name_lower'));
        const base = basename(f).split('.network.j2.yaml').join('.yaml');
        const out = join(dir, dir.endsWith('ports') ? base.split('port').join(lower) : base.split('network').join(lower));
        if (excludes.includes(out)) {
          result.excluded.push(out);
          continue;
        }
        render(f, out, { network: n }, { network: name });
      }
    } else {
      render(f, f.split('.j2.yaml').join('.yaml'), { roles, networks });
    }
  }
  return result;
}

/**
 * roles_data.yaml made of roles from the tree's `roles/` folder (all of them, sorted, unless `names` says
 * which), as tripleo-common's roles generation wrote it: a header, then each role file as it is.
 */
export function rolesDataFromFolder(files: ReadonlyMap<string, string>, names?: string[], folder = 'roles'): string {
  const available = [...files.keys()]
    .filter((p) => dirname(p) === folder && p.endsWith('.yaml'))
    .map((p) => basename(p).slice(0, -5))
    .sort();
  const wanted = names ?? available;
  const missing = wanted.filter((n) => !available.includes(n));
  if (missing.length) throw new Error(`Invalid roles requested: ${missing.join(',')}`);
  const header = ['#'.repeat(79), '# File generated by TripleO', '#'.repeat(79), ''].join('\n');
  return header + wanted.map((n) => files.get(`${folder}/${n}.yaml`)!).join('');
}
