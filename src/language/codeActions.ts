import { CodeAction, CodeActionKind, Diagnostic, TextEdit } from 'vscode-languageserver-types';
import { DocumentContext, fileUri } from './navigation';
import type { PlanIndex, SelectionFile } from './planIndex';

/** What a diagnostic carries for its quick fixes. */
export interface DiagnosticData {
  /** the name to put instead of the one reported (a did-you-mean) */
  replacement?: string;
  /** an environment to add to the local selection */
  addToSelection?: string;
  /** environments whose removal from the local selection resolves the problem */
  removeFromSelection?: string[];
}

const SELECTION_FILE = 'plan-environment.yaml';

/** Quick fixes for the diagnostics of a document (those the language service reported, with their data). */
export function quickFixes(ctx: DocumentContext, diagnostics: Diagnostic[]): CodeAction[] {
  const out: CodeAction[] = [];
  const index = ctx.place?.index;
  const selection = index?.summaries.get(SELECTION_FILE)?.selection;
  for (const d of diagnostics) {
    const data = (d.data ?? {}) as DiagnosticData;
    if (data.replacement) {
      out.push({
        title: `Change to "${data.replacement}"`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [d],
        isPreferred: true,
        edit: { changes: { [ctx.doc.uri]: [TextEdit.replace(d.range, data.replacement)] } },
      });
    }
    if (data.addToSelection && index && selection) {
      out.push({
        title: `Add ${data.addToSelection} to ${SELECTION_FILE}`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [d],
        isPreferred: true,
        edit: selectionEdit(index, selection, [...selection.entries.map((e) => e.path), data.addToSelection], data.addToSelection),
      });
    }
    for (const file of data.removeFromSelection ?? []) {
      if (!index || !selection?.entries.some((e) => e.path === file)) continue;
      out.push({
        title: `Remove ${file} from ${SELECTION_FILE}`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [d],
        edit: selectionEdit(
          index,
          selection,
          selection.entries.map((e) => e.path).filter((p) => p !== file),
        ),
      });
    }
  }
  return out;
}

/** The edit of plan-environment.yaml that makes its selection `wanted` (one entry added, or some removed). */
function selectionEdit(index: PlanIndex, selection: SelectionFile, wanted: string[], added?: string) {
  const uri = fileUri(index, SELECTION_FILE);
  if (selection.flow) {
    // a flow list is rewritten as a block list rather than edited in place
    return { changes: { [uri]: [TextEdit.replace(selection.flow, `:${wanted.map((p) => `\n${selection.entryPrefix}${p}`).join('')}`)] } };
  }
  if (added) return { changes: { [uri]: [TextEdit.insert(selection.insertAt, `${selection.entryPrefix}${added}\n`)] } };
  const keep = new Set(wanted);
  const edits = selection.entries
    .filter((e) => !keep.has(e.path))
    .map((e) => TextEdit.del({ start: { line: e.line, character: 0 }, end: { line: e.endLine + 1, character: 0 } }));
  return { changes: { [uri]: edits } };
}
