import { TextDocument } from 'vscode-languageserver-textdocument';
import { Diagnostic, DiagnosticSeverity, Hover, MarkupKind, Position } from 'vscode-languageserver-types';
import { detectFileKind, ENVIRONMENT_SECTIONS, FileKind, isJinjaTemplate } from './fileKind';
import { keyName, nodeRange, parseYaml, ParsedYaml } from './yamlDocument';
import { closestName, editDistance } from '../tripleo/names';

export const SOURCE = 'tripleo';

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
  private readonly cache = new Map<string, { version: number; text: string; result: AnalyzedDocument }>();

  analyze(doc: TextDocument): AnalyzedDocument {
    const text = doc.getText();
    const hit = this.cache.get(doc.uri);
    if (hit && hit.version === doc.version && hit.text === text) return hit.result;
    const parsed = parseYaml(text);
    const result = { kind: detectFileKind(doc.uri, parsed), parsed };
    this.cache.set(doc.uri, { version: doc.version, text, result });
    return result;
  }

  /** Drops what is kept for a closed document. */
  forget(uri: string): void {
    this.cache.delete(uri);
  }

  /** Checks that need only this document: cheap enough to run on every keystroke (debounced). */
  validate(doc: TextDocument): Diagnostic[] {
    const { kind, parsed } = this.analyze(doc);
    const out: Diagnostic[] = [];
    const diag = (start: number, end: number, message: string, code: string, severity: DiagnosticSeverity = DiagnosticSeverity.Error) =>
      out.push({ range: { start: doc.positionAt(start), end: doc.positionAt(end) }, message, code, severity, source: SOURCE });

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
        diag(r.start, r.end, `Unknown section "${name}" in an environment file${near ? `; did you mean "${near}"?` : ''}. Heat accepts: ${ENVIRONMENT_SECTIONS.join(', ')}.`, 'env-unknown-section');
      }
    }
    return out;
  }

  hover(doc: TextDocument, position: Position): Hover | null {
    const { kind, parsed } = this.analyze(doc);
    if (kind !== 'environment') return null;
    const offset = doc.offsetAt(position);
    for (const pair of parsed.topLevel) {
      const r = nodeRange(pair.key);
      const name = keyName(pair);
      if (!r || !name || offset < r.start || offset > r.end) continue;
      const text = SECTION_DOCS[name];
      if (!text) return null;
      return {
        contents: { kind: MarkupKind.Markdown, value: `**${name}** (environment file section)\n\n${text}` },
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
