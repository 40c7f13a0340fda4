import {
  isJinjaSource,
  J2_EXCLUDES,
  NETWORK_DATA,
  renderPlanTemplates,
  ROLES_DATA,
  TemplateRenderError,
  type RenderedTemplate,
} from '../tripleo/templateRendering';

/**
 * The plan as Heat sees it: the files tripleo-common's template processing rendered from the Jinja
 * sources, kept in memory, with every output line traced to the source line a person edits.
 */
export interface RenderedPlan {
  /** what rendering reads: the Jinja sources, their includes, roles_data, network_data, j2_excludes */
  inputs: Map<string, string>;
  /** rendered files by their plan path */
  outputs: Map<string, RenderedTemplate>;
  /** Jinja errors, at the file and line at fault */
  errors: TemplateRenderError[];
  /** paths of files on disk that a rendered file replaces (as the processing overwrote them in Swift) */
  shadowed: Set<string>;
}

/** Whether a file's text is read by rendering: a change to it means rendering again. */
export function isRenderInput(path: string): boolean {
  return isJinjaSource(path) || path.endsWith('.j2') || path === ROLES_DATA || path === NETWORK_DATA || path === J2_EXCLUDES;
}

/**
 * Renders the plan's sources (or only `source`, with every other input): never throws, a failure
 * of the renderer itself becomes an error on the file it was rendering.
 */
export function renderSources(inputs: ReadonlyMap<string, string>, source?: string): { outputs: RenderedTemplate[]; errors: TemplateRenderError[] } {
  let files = inputs;
  if (source !== undefined) {
    const only = new Map<string, string>();
    for (const [p, t] of inputs) if (!isJinjaSource(p) || p === source) only.set(p, t);
    files = only;
  }
  try {
    const r = renderPlanTemplates(files);
    return { outputs: r.rendered, errors: r.errors };
  } catch (e) {
    return { outputs: [], errors: [new TemplateRenderError(source ?? ROLES_DATA, 1, `rendering failed: ${(e as Error).message}`)] };
  }
}

/** Where a position of a rendered file comes from: the source file, its line, and the column of `name` there (else of the line's text). */
export function sourcePosition(plan: RenderedPlan, out: RenderedTemplate, line: number, name?: string): { file: string; line: number; character: number } {
  const origin = out.lines[line] ?? out.lines[out.lines.length - 1] ?? { file: out.source, line: 0 };
  const text = sourceLine(plan, origin.file, origin.line);
  const at = name ? text.indexOf(name) : -1;
  return { file: origin.file, line: origin.line, character: at >= 0 ? at : text.length - text.trimStart().length };
}

const lineCache = new WeakMap<RenderedPlan, Map<string, string[]>>();

export function sourceLine(plan: RenderedPlan, file: string, line: number): string {
  let byFile = lineCache.get(plan);
  if (!byFile) lineCache.set(plan, (byFile = new Map()));
  let lines = byFile.get(file);
  if (!lines) byFile.set(file, (lines = (plan.inputs.get(file) ?? '').split('\n')));
  return lines[line] ?? '';
}

/** Forgets the split lines of a source whose text changed. */
export function forgetSourceLines(plan: RenderedPlan, file: string): void {
  lineCache.get(plan)?.delete(file);
}
