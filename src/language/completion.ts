import { CompletionItem, CompletionItemKind, InsertTextFormat, MarkupKind, Position } from 'vscode-languageserver-types';
import { lineContext, LineContext } from './cursorContext';
import { ENVIRONMENT_SECTIONS } from './fileKind';
import { DocumentContext, folderOf, PARAMETER_SECTIONS, sectionKeys } from './navigation';
import type { ParameterDefinition, PlanIndex } from './planIndex';
import { isSecretName, MASK } from '../openstack/redact';

/** Heat's pseudo parameters: every template may get_param them. */
const PSEUDO_PARAMETERS = ['OS::stack_name', 'OS::stack_id', 'OS::project_id'];
const REFERENCE = /\b(get_param|get_resource|get_attr|depends_on)\s*:\s*\[?\s*["']?([\w:.-]*)$/;

/** Escapes text for a snippet placeholder (and, in a choice, its separators). */
const snippetText = (s: string, choice = false) => s.replace(choice ? /[$}\\,|]/g : /[$}\\]/g, '\\$&');

/** How a value of the parameter is written, as a YAML scalar or flow collection. */
function yamlValue(v: unknown): string {
  if (typeof v === 'string')
    return v === '' || /^[\s'"&*!|>%@`#{}[\],?:-]|[:#]\s|\s$|^(true|false|yes|no|on|off|null|~|[-+.\d].*)$/i.test(v) ? JSON.stringify(v) : v;
  return JSON.stringify(v);
}

/** The snippet inserted with a parameter's name: its default (or allowed values) to overwrite. */
function parameterSnippet(name: string, def: ParameterDefinition): string {
  const allowed = def.constraints.find((c) => c.allowedValues?.length)?.allowedValues;
  const type = def.type.toLowerCase();
  if (def.hidden) return `${name}: $1`;
  if (allowed) {
    const values = [...new Set([def.default, ...allowed].filter((v) => v !== undefined && v !== null).map(yamlValue))];
    return `${name}: \${1|${values.map((v) => snippetText(v, true)).join(',')}|}`;
  }
  if (type === 'boolean') return `${name}: \${1|${def.default === true ? 'true,false' : 'false,true'}|}`;
  if (type === 'json' && def.default && typeof def.default === 'object' && !Array.isArray(def.default) && Object.keys(def.default).length === 0)
    return `${name}:\n  $1`;
  const fallback = type === 'number' ? '0' : type === 'json' ? '{}' : type === 'comma_delimited_list' ? '[]' : "''";
  return `${name}: \${1:${snippetText(def.default === undefined || def.default === null ? fallback : yamlValue(def.default))}}`;
}

export function describeDefault(def: ParameterDefinition): string {
  if (def.default === undefined) return `${def.type}, no default`;
  return `${def.type}, default ${def.hidden || isSecretName(def.name) ? MASK : yamlValue(def.default)}`;
}

function item(label: string, kind: CompletionItemKind, line: number, lc: LineContext, position: Position, extra: Partial<CompletionItem> = {}): CompletionItem {
  const newText = extra.insertText ?? label;
  const { insertText: _, ...rest } = extra;
  return { label, kind, textEdit: { range: { start: { line, character: lc.start }, end: position }, newText }, ...rest };
}

/** What a parameter's completion item carries until it is resolved. */
export interface ParameterItemData {
  parameter: string;
  /** the plan folder's URI */
  root: string;
}

/** Adds the documentation to a parameter's completion item. */
export function resolveItem(item: CompletionItem, plans: PlanIndex[], parameterDocs: (defs: ParameterDefinition[]) => string): CompletionItem {
  const data = item.data as Partial<ParameterItemData> | undefined;
  const defs = data?.parameter ? plans.find((p) => p.root === data.root)?.parameters.get(data.parameter) : undefined;
  return defs ? { ...item, documentation: { kind: MarkupKind.Markdown, value: parameterDocs(defs) } } : item;
}

export function complete(ctx: DocumentContext, position: Position): CompletionItem[] {
  const lines = ctx.doc.getText().split('\n');
  const text = lines[position.line] ?? '';
  const index = ctx.place?.index;
  if (ctx.kind === 'heat-template') return completeTemplate(ctx, lines, position);
  const lc = lineContext(lines, position.line, position.character);
  if (!lc) return [];
  const at = (label: string, kind: CompletionItemKind, extra?: Partial<CompletionItem>) => item(label, kind, position.line, lc, position, extra);
  const [section, key] = lc.path;
  if (ctx.kind === 'capabilities-map') {
    const field = lc.path[lc.path.length - 1];
    if (!index || !((lc.role === 'value' && ['file', 'root_environment', 'root_template'].includes(field)) || (lc.role === 'item' && field === 'requires')))
      return [];
    const templates = field === 'root_template';
    return planFiles(index, templates ? 'template' : 'environment').map((f) => at(f, CompletionItemKind.File, { detail: index.mapEntries.get(f)?.title }));
  }
  // a new file of a plan folder is probably an environment file to be; other YAML files are not ours
  if (ctx.kind !== 'environment' && !(ctx.kind === 'other' && ctx.place && lc.role === 'key' && !lc.path.length)) return [];
  if (lc.role === 'key' && !lc.path.length && !/^\s/.test(text)) {
    return ENVIRONMENT_SECTIONS.map((s) => at(s, CompletionItemKind.Module, { insertText: `${s}:\n  ` }));
  }
  if (!index) return [];
  if (lc.role === 'key' && lc.path.length === 1 && PARAMETER_SECTIONS.includes(section)) {
    const present = new Set(lines.map((t) => /^\s+([\w-]+)\s*:/.exec(t)?.[1]).filter(Boolean) as string[]);
    return parameterItems(index).filter((i) => !present.has(i.label));
  }
  if (lc.role === 'value' && lc.path.length === 2 && PARAMETER_SECTIONS.includes(section)) {
    const defs = index.parameters.get(key);
    if (!defs || defs[0].hidden) return [];
    const values = new Set<string>();
    for (const c of defs[0].constraints) for (const v of c.allowedValues ?? []) values.add(yamlValue(v));
    if (defs[0].type.toLowerCase() === 'boolean') ['true', 'false'].forEach((v) => values.add(v));
    const fallback = defs[0].default === undefined || defs[0].default === null ? undefined : yamlValue(defs[0].default);
    if (fallback !== undefined && !values.size) values.add(fallback);
    return [...values].map((v, i) =>
      at(v, CompletionItemKind.Value, {
        detail: v === fallback ? 'default' : `allowed value of ${key}`,
        sortText: String(i).padStart(4, '0'),
        preselect: v === fallback,
      }),
    );
  }
  if (section === 'resource_registry' && lc.role === 'key' && lc.path.length === 1) {
    const present = new Set(lines.map((t) => /^\s+(OS::[\w:]+)\s*:/.exec(t)?.[1]).filter(Boolean) as string[]);
    return [...index.resourceTypes]
      .filter((t) => !present.has(t))
      .sort()
      .map((t) => at(t, CompletionItemKind.Class, { insertText: `${t}: ` }));
  }
  if (section === 'resource_registry' && lc.role === 'value' && lc.path.length === 2) {
    const here = folderOf(ctx.place!.path);
    const up = here
      .split('/')
      .filter(Boolean)
      .map(() => '..');
    const relative = (f: string) => [...up, f].join('/');
    return [
      at('OS::Heat::None', CompletionItemKind.Constant, { detail: 'no resource', sortText: '~' }),
      ...planFiles(index, 'template').map((f) => at(relative(f), CompletionItemKind.File, { detail: f, filterText: relative(f) })),
    ];
  }
  return [];
}

const parameterItemCache = new WeakMap<Map<string, ParameterDefinition[]>, CompletionItem[]>();

/**
 * One item per parameter of the plan, made once per version of the plan's parameters. Names are
 * words, so the editor's word at the cursor is what they replace: the items need no position.
 */
function parameterItems(index: PlanIndex): CompletionItem[] {
  let items = parameterItemCache.get(index.parameters);
  if (!items) {
    items = [...index.parameters].map(([name, defs]) => {
      // the documentation comes on resolve: a plan has thousands of parameters, the user reads one
      const data: ParameterItemData = { parameter: name, root: index.root };
      return {
        label: name,
        kind: CompletionItemKind.Property,
        detail: describeDefault(defs[0]),
        insertText: parameterSnippet(name, defs[0]),
        insertTextFormat: InsertTextFormat.Snippet,
        data,
      };
    });
    parameterItemCache.set(index.parameters, items);
  }
  return items;
}

/** YAML files of the plan that are templates, or that are environment files. */
function planFiles(index: PlanIndex, what: 'template' | 'environment'): string[] {
  const out: string[] = [];
  for (const [path, s] of index.summaries) {
    const template = s.isTemplate;
    if (what === 'template' ? template : !template && (s.values || s.resourceTypes.length || index.mapped.has(path) || path.startsWith('environments/')))
      out.push(path);
  }
  return out.sort();
}

function completeTemplate(ctx: DocumentContext, lines: string[], position: Position): CompletionItem[] {
  const before = (lines[position.line] ?? '').slice(0, position.character);
  const m = REFERENCE.exec(before);
  let fn = m?.[1];
  let prefix = m?.[2] ?? '';
  if (!fn) {
    const lc = lineContext(lines, position.line, position.character);
    const key = lc?.path[lc.path.length - 1];
    if (lc?.role === 'item' && (key === 'depends_on' || key === 'get_attr' || key === 'get_param')) {
      fn = key;
      prefix = lc.prefix;
    } else if (lc?.role === 'value' && key === 'type' && lc.path[0] === 'resources' && ctx.place) {
      return [...ctx.place.index.resourceTypes].sort().map((t) => item(t, CompletionItemKind.Class, position.line, lc, position));
    } else return [];
  }
  const lc: LineContext = { path: [], role: 'value', prefix, start: position.character - prefix.length };
  if (fn === 'get_param') {
    const params = sectionKeys(ctx.parsed, 'parameters');
    const defs = ctx.place?.index.parameters;
    return [
      ...[...params.keys()].map((name) =>
        item(name, CompletionItemKind.Variable, position.line, lc, position, {
          detail: defs?.get(name)?.find((d) => d.template === ctx.place?.path)
            ? describeDefault(defs.get(name)!.find((d) => d.template === ctx.place?.path)!)
            : 'parameter',
        }),
      ),
      ...PSEUDO_PARAMETERS.map((name) =>
        item(name, CompletionItemKind.Constant, position.line, lc, position, { detail: 'pseudo parameter', sortText: `~${name}` }),
      ),
    ];
  }
  return [...sectionKeys(ctx.parsed, 'resources')].map(([name, r]) => {
    const type = (r.value as { get?: (k: string) => unknown } | null)?.get?.('type');
    return item(name, CompletionItemKind.Reference, position.line, lc, position, { detail: typeof type === 'string' ? type : 'resource' });
  });
}
