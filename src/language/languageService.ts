import { TextDocument } from 'vscode-languageserver-textdocument';
import { CodeAction, CompletionItem, Diagnostic, DocumentLink, DocumentSymbol, Hover, Location, Position } from 'vscode-languageserver-types';
import { detectFileKind, FileKind, isJinjaTemplate } from './fileKind';
import { ChunkCache, parseYamlIncremental, ParsedYaml } from './yamlDocument';
import { isPlanEnvironment, ParameterDefinition, PlanIndex } from './planIndex';
import { DEFAULT_TEMPLATE_PREFIXES, definition, DocumentContext, documentLinks, documentSymbols, references } from './navigation';
import { complete, resolveItem } from './completion';
import { quickFixes } from './codeActions';
import { maskPlanState, PlanState } from './planState';
import { ParameterChecks, SOURCE, validateDocument, validateJinjaSource } from './validation';
import { hover, parameterDocs } from './hover';

export { closest, SOURCE } from './validation';

export interface AnalyzedDocument {
  kind: FileKind;
  parsed: ParsedYaml;
}

interface CachedParse {
  version: number;
  text: string;
  result: AnalyzedDocument;
  pieces: ChunkCache;
}

/** Parses kept for the documents used last: the editors a person has open, with room to spare. */
const MAX_CACHED_DOCUMENTS = 64;

/** The pure language service: knows nothing of VS Code or of the LSP connection. */
export class TripleOLanguageService {
  /** One parse per document version: hover and validation of the same text share it. */
  private readonly cache = new Map<string, CachedParse>();
  private planState: PlanState | null = null;
  private readonly checked: ParameterChecks = new WeakMap();

  /** Parses a document version once; the pieces of the previous version that an edit left alone are reused. */
  analyze(doc: TextDocument): AnalyzedDocument {
    const text = doc.getText();
    const hit = this.cache.get(doc.uri);
    if (hit && hit.version === doc.version && hit.text === text) return this.remember(doc.uri, hit).result;
    const pieces = hit?.pieces ?? new Map();
    const parsed = parseYamlIncremental(text, pieces);
    const result = { kind: detectFileKind(doc.uri, parsed), parsed };
    return this.remember(doc.uri, { version: doc.version, text, result, pieces }).result;
  }

  /** Keeps a parse as the most recently used; a whole tree checked at once (lint) must not keep every parse alive. */
  private remember(uri: string, entry: CachedParse): CachedParse {
    this.cache.delete(uri);
    this.cache.set(uri, entry);
    if (this.cache.size > MAX_CACHED_DOCUMENTS) this.cache.delete(this.cache.keys().next().value!);
    return entry;
  }

  /** The connected plan's selection and values (null: no plan connected), shown in hovers. */
  setPlanState(state: PlanState | null): void {
    this.planState = state ? maskPlanState(state) : null;
  }

  private templatePrefixes: readonly string[] = DEFAULT_TEMPLATE_PREFIXES;

  /** Absolute folders that stand for a plan's root in file references (the `tripleo.templatePrefixes` setting). */
  setTemplatePrefixes(prefixes: readonly string[] | undefined): void {
    this.templatePrefixes = prefixes?.length ? prefixes.filter((p) => typeof p === 'string' && p.startsWith('/')) : DEFAULT_TEMPLATE_PREFIXES;
  }

  private context(doc: TextDocument, plans: PlanIndex[]): DocumentContext {
    const { kind, parsed } = this.analyze(doc);
    const place = this.place(doc, plans);
    return {
      doc,
      kind: kind === 'environment' && place && !isPlanEnvironment(place.index, place.path) ? 'other' : kind,
      parsed,
      place,
      templatePrefixes: this.templatePrefixes,
    };
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
    // a Jinja source is checked through its renders: parsing its own text as YAML would be wasted
    if (isJinjaTemplate(doc.uri)) return validateJinjaSource({ doc, place: this.place(doc, plans), templatePrefixes: this.templatePrefixes }, this.checked);
    return validateDocument(this.context(doc, plans), this.checked);
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
    return quickFixes(
      this.context(doc, plans),
      diagnostics.filter((d) => d.source === SOURCE),
    );
  }

  /** Markdown for a parameter: what the templates say of it. */
  parameterDocs(defs: ParameterDefinition[]): string {
    return parameterDocs(defs);
  }

  hover(doc: TextDocument, position: Position, plans: PlanIndex[] = []): Hover | null {
    return hover(this.context(doc, plans), position, this.planState);
  }
}
