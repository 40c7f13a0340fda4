import type { TextDocument } from 'vscode-languageserver-textdocument';
import { DocumentLink, DocumentSymbol, Location, Position, Range, SymbolKind } from 'vscode-languageserver-types';
import { isMap, isPair, isScalar, isSeq, type Node, type Scalar } from 'yaml';
import { normalizePath } from '../tripleo/capabilitiesMap';
import { nodeAt, NodeAt } from './cursorContext';
import type { FileKind } from './fileKind';
import { editedFile, type PlanIndex } from './planIndex';
import { DEFAULT_TEMPLATE_PREFIXES, folderOf, resolvePlanPath } from './planPaths';

export { DEFAULT_TEMPLATE_PREFIXES, folderOf, resolvePlanPath };

export const PARAMETER_SECTIONS = ['parameter_defaults', 'parameters'];
import { keyName, nodeRange, type ParsedYaml } from './yamlDocument';

/** A document with what is known of it: its parse, what kind of file it is and its place in a plan folder. */
export interface DocumentContext {
  doc: TextDocument;
  kind: FileKind;
  parsed: ParsedYaml;
  place?: { index: PlanIndex; path: string };
  /** absolute folders that stand for the plan's root in file references (`tripleo.templatePrefixes`) */
  templatePrefixes?: readonly string[];
}

export function fileUri(index: PlanIndex, path: string): string {
  return `${index.root}/${path.split('/').map(encodeURIComponent).join('/')}`;
}

export function rangeOf(doc: TextDocument, node: unknown): Range {
  const r = nodeRange(node) ?? { start: 0, end: 0 };
  return { start: doc.positionAt(r.start), end: doc.positionAt(r.end) };
}

const last = (path: string[]) => path[path.length - 1];
const looksLikeFile = (v: string) => /\.(ya?ml|j2|json|sh|py|pp)$/.test(v) && !v.includes('::') && !/^[a-z]+:\/\//.test(v);

/** The plan path of the file a scalar names (a registry target, a map entry, a nested template...), if it names one. */
export function namedFile(ctx: DocumentContext, at: NodeAt): string | undefined {
  const value = at.scalar.value;
  if (typeof value !== 'string' || at.role === 'key' || !looksLikeFile(value)) return undefined;
  const here = folderOf(ctx.place?.path ?? '');
  const key = last(at.path);
  switch (ctx.kind) {
    case 'environment':
      return at.path[0] === 'resource_registry' && at.role === 'value' ? resolvePlanPath(value, here, ctx.templatePrefixes) : undefined;
    case 'capabilities-map':
      return (at.role === 'value' && ['file', 'root_template', 'root_environment'].includes(key)) || (at.role === 'item' && key === 'requires')
        ? normalizePath(value)
        : undefined;
    case 'plan-environment':
      return (at.path[0] === 'environments' && key === 'path') || (at.path.length === 1 && key === 'template') ? normalizePath(value) : undefined;
    case 'heat-template':
      return (at.role === 'value' && key === 'type') || key === 'get_file' ? resolvePlanPath(value, here, ctx.templatePrefixes) : undefined;
    default:
      return undefined;
  }
}

/** A name a template refers to with get_param, get_resource, get_attr or depends_on. */
export function templateReference(at: NodeAt): { kind: 'parameter' | 'resource'; name: string } | undefined {
  const value = at.scalar.value;
  if (typeof value !== 'string' || at.role === 'key') return undefined;
  const key = last(at.path);
  const first = at.role === 'value' || at.index === 0;
  if (key === 'get_param' && first) return { kind: 'parameter', name: value };
  if ((key === 'get_resource' && at.role === 'value') || (key === 'get_attr' && at.role === 'item' && at.index === 0) || key === 'depends_on')
    return { kind: 'resource', name: value };
  return undefined;
}

/** The keys of a top-level section of a template (parameters, resources...), by name. */
export function sectionKeys(parsed: ParsedYaml, section: string): Map<string, { key: Scalar; value: unknown }> {
  const out = new Map<string, { key: Scalar; value: unknown }>();
  const pair = parsed.topLevel.find((p) => keyName(p) === section);
  if (pair && isMap(pair.value)) for (const p of pair.value.items) if (isScalar(p.key)) out.set(String(p.key.value), { key: p.key, value: p.value });
  return out;
}

/** Calls fn with every scalar of the document and where it sits. */
export function eachScalar(parsed: ParsedYaml, fn: (at: NodeAt) => void): void {
  const walk = (node: unknown, path: string[]) => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (isScalar(pair.key)) fn({ scalar: pair.key, role: 'key', path });
        const inner = [...path, isScalar(pair.key) ? String(pair.key.value) : ''];
        if (isScalar(pair.value)) fn({ scalar: pair.value, role: 'value', path: inner });
        else walk(pair.value, inner);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => {
        if (isScalar(item)) fn({ scalar: item, role: 'item', path, index });
        else if (!isPair(item)) walk(item, path);
      });
    }
  };
  walk(parsed.doc.contents, []);
}

/** The parameter named at a position: a key of an environment's parameter section, a template's declaration or get_param. */
export function parameterNameAt(ctx: DocumentContext, at: NodeAt | undefined): string | undefined {
  if (!at || typeof at.scalar.value !== 'string') return undefined;
  if (ctx.kind === 'environment' && at.role === 'key' && at.path.length === 1 && PARAMETER_SECTIONS.includes(at.path[0])) return at.scalar.value;
  if (ctx.kind === 'heat-template') {
    if (at.role === 'key' && at.path.length === 1 && at.path[0] === 'parameters') return at.scalar.value;
    const ref = templateReference(at);
    if (ref?.kind === 'parameter') return ref.name;
  }
  return undefined;
}

export function definition(ctx: DocumentContext, position: Position): Location[] {
  const at = nodeAt(ctx.parsed, ctx.doc.offsetAt(position));
  if (!at) return [];
  const { place } = ctx;
  const file = namedFile(ctx, at);
  if (file)
    return place?.index.files.has(file)
      ? [{ uri: fileUri(place.index, editedFile(place.index, file)), range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }]
      : [];
  if (ctx.kind === 'heat-template') {
    const ref = templateReference(at);
    const target = ref && sectionKeys(ctx.parsed, ref.kind === 'parameter' ? 'parameters' : 'resources').get(ref.name);
    return target ? [{ uri: ctx.doc.uri, range: rangeOf(ctx.doc, target.key) }] : [];
  }
  const name = parameterNameAt(ctx, at);
  const defs = name && place ? (place.index.parameters.get(name) ?? []) : [];
  return defs.map((d) => ({
    uri: fileUri(place!.index, d.template),
    range: { start: { line: d.line, character: d.character }, end: { line: d.line, character: d.character + d.name.length } },
  }));
}

/** Every place of the plan that names the parameter or resource at the position. */
export function references(ctx: DocumentContext, position: Position, includeDeclaration: boolean): Location[] {
  const at = nodeAt(ctx.parsed, ctx.doc.offsetAt(position));
  if (!at) return [];
  if (ctx.kind === 'heat-template') {
    const ref = templateReference(at);
    const resource =
      ref?.kind === 'resource' ? ref.name : at.role === 'key' && at.path.length === 1 && at.path[0] === 'resources' ? String(at.scalar.value) : undefined;
    if (resource) {
      const out: Location[] = [];
      eachScalar(ctx.parsed, (s) => {
        const r = templateReference(s);
        const declaration = s.role === 'key' && s.path.length === 1 && s.path[0] === 'resources' && s.scalar.value === resource;
        if ((r?.kind === 'resource' && r.name === resource) || (declaration && includeDeclaration))
          out.push({ uri: ctx.doc.uri, range: rangeOf(ctx.doc, s.scalar) });
      });
      return out;
    }
  }
  const name = parameterNameAt(ctx, at);
  const index = ctx.place?.index;
  if (!name || !index) return [];
  const out: Location[] = [];
  const loc = (path: string, line: number, character: number) => ({
    uri: fileUri(index, path),
    range: { start: { line, character }, end: { line, character: character + name.length } },
  });
  if (includeDeclaration) for (const d of index.parameters.get(name) ?? []) out.push(loc(d.template, d.line, d.character));
  for (const [path, summary] of index.summaries) for (const u of summary.uses) if (u.name === name) out.push(loc(u.file ?? path, u.line, u.character));
  return out;
}

/** Links on the file paths of a document that lead to files of its plan. */
export function documentLinks(ctx: DocumentContext): DocumentLink[] {
  const index = ctx.place?.index;
  if (!index) return [];
  const out: DocumentLink[] = [];
  eachScalar(ctx.parsed, (at) => {
    const file = namedFile(ctx, at);
    if (file && index.files.has(file))
      out.push({
        range: rangeOf(ctx.doc, at.scalar),
        target: fileUri(index, editedFile(index, file)),
        tooltip: editedFile(index, file) === file ? file : `${file} (rendered from ${editedFile(index, file)})`,
      });
  });
  return out;
}

const TEMPLATE_SECTIONS: Record<string, SymbolKind> = {
  parameters: SymbolKind.Variable,
  resources: SymbolKind.Object,
  outputs: SymbolKind.Field,
  conditions: SymbolKind.Boolean,
  parameter_groups: SymbolKind.Array,
};

/** The outline: a template's parameters, resources and outputs; an environment's sections and their keys. */
export function documentSymbols(ctx: DocumentContext): DocumentSymbol[] {
  const { doc, parsed, kind } = ctx;
  // any other YAML file has its own outline from whatever else knows its format
  if (kind === 'other') return [];
  const symbol = (name: string, node: Node, value: unknown, symbolKind: SymbolKind, detail?: string, children?: DocumentSymbol[]): DocumentSymbol => {
    const key = rangeOf(doc, node);
    const end = nodeRange(value)?.end;
    return {
      name: name || '""',
      detail,
      kind: symbolKind,
      range: { start: key.start, end: end !== undefined ? doc.positionAt(end) : key.end },
      selectionRange: key,
      children,
    };
  };
  return parsed.topLevel.flatMap((pair) => {
    const name = keyName(pair);
    if (name === undefined || !pair.key) return [];
    let children: DocumentSymbol[] | undefined;
    const childKind =
      kind === 'heat-template'
        ? TEMPLATE_SECTIONS[name]
        : kind === 'environment'
          ? name === 'resource_registry'
            ? SymbolKind.Class
            : SymbolKind.Property
          : undefined;
    if (childKind !== undefined && isMap(pair.value)) {
      children = pair.value.items.flatMap((p) => {
        if (!isScalar(p.key)) return [];
        const type = isMap(p.value) ? p.value.get('type') : isScalar(p.value) ? p.value.value : undefined;
        const detail = type === undefined || type === null || typeof type === 'object' ? undefined : String(type);
        return [symbol(String(p.key.value), p.key, p.value, childKind, detail)];
      });
    }
    return [symbol(name, pair.key as Node, pair.value, children ? SymbolKind.Namespace : SymbolKind.Property, undefined, children)];
  });
}
