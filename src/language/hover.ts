import { Hover, MarkupKind, Position } from 'vscode-languageserver-types';
import { nodeAt } from './cursorContext';
import { DocumentContext, namedFile, parameterNameAt } from './navigation';
import type { ParameterDefinition, PlanIndex } from './planIndex';
import { PlanState } from './planState';
import { isSecretName, MASK, redactValue } from '../openstack/redact';
import { keyName, nodeRange } from './yamlDocument';

const SECTION_DOCS: Record<string, string> = {
  parameters: "Values for the **root template's** parameters only. Nested templates do not see them; prefer `parameter_defaults`.",
  parameter_defaults: 'Default values for parameters of **every** template in the plan (root and nested). Later environment files win.',
  resource_registry: 'Maps resource types (e.g. `OS::TripleO::Controller`) to the templates that implement them. Paths are relative to this file.',
  event_sinks: 'Where Heat sends stack events (e.g. a Zaqar queue).',
  encrypted_param_names: 'Parameters whose values Heat stores encrypted.',
  parameter_merge_strategies: 'How values of the same parameter from several environment files combine: `merge`, `deep_merge` or `overwrite`.',
};

/** A file named in the capabilities map, a selection or a resource_registry: its title and description from the map. */
function fileHover(ctx: DocumentContext, offset: number): Hover | null {
  const at = nodeAt(ctx.parsed, offset);
  const file = at && namedFile(ctx, at);
  if (!file || !ctx.place) return null;
  const { index } = ctx.place;
  const entry = index.mapEntries.get(file);
  const exists = index.files.has(file);
  const lines = [`\`${file}\`${exists ? '' : ' (does not exist)'}`];
  if (entry) lines.push('', `**${entry.title}**`, ...(entry.description ? ['', entry.description] : []));
  else if (exists && /^environments\//.test(file)) lines.push('', '_not listed in capabilities-map.yaml_');
  return {
    contents: { kind: MarkupKind.Markdown, value: lines.join('\n') },
    range: { start: ctx.doc.positionAt(at.scalar.range![0]), end: ctx.doc.positionAt(at.scalar.range![1]) },
  };
}

/** Where a parameter gets its value: the selected environments (local, and the connected plan's) and the plan itself. */
export function parameterValues(name: string, defs: ParameterDefinition[], index: PlanIndex, planState: PlanState | null): string[] {
  const state = planState && (!planState.planFolder || planState.planFolder.replace(/\/+$/, '') === index.root) ? planState : undefined;
  const secret = defs.some((d) => d.hidden) || isSecretName(name) || !!state?.hidden?.includes(name);
  // a value that is not secret itself may hold one (ExtraConfig: {nova::rabbit_password: ...})
  const hidden = new Set(
    [...index.parameters]
      .filter(([, ds]) => ds.some((d) => d.hidden))
      .map(([n]) => n)
      .concat(state?.hidden ?? []),
  );
  const show = (v: unknown) => `\`${secret ? MASK : JSON.stringify(redactValue(v, hidden))}\``;
  const setBy = (selection: string[]) =>
    selection.flatMap((file) => (index.summaries.get(file)?.values?.has(name) ? [`\`${file}\`: ${show(index.summaries.get(file)!.values!.get(name))}`] : []));
  const lines: string[] = [];
  if (index.selection) {
    const local = setBy(index.selection);
    const own = index.summaries.get('plan-environment.yaml')?.values;
    if (own?.has(name)) local.push(`\`plan-environment.yaml\` parameter_defaults: ${show(own.get(name))}`);
    lines.push(
      local.length ? `selected in plan-environment.yaml: ${local.join(', ')} (the last wins)` : 'no environment selected in plan-environment.yaml sets it',
    );
  }
  if (state) {
    const there = setBy(state.environments);
    if (there.length) lines.push(`selected in plan **${state.plan}**: ${there.join(', ')}`);
    lines.push(
      name in state.parameters ? `value in plan **${state.plan}**: ${show(state.parameters[name])}` : `plan **${state.plan}** gives it no value of its own`,
    );
  }
  return lines;
}

/** Markdown for a parameter: what the templates say of it. */
export function parameterDocs(defs: ParameterDefinition[]): string {
  const d = defs[0];
  const lines = [`**${d.name}**${d.label && d.label !== d.name ? ` — ${d.label}` : ''} \`${d.type}\``, ''];
  if (d.description) lines.push(d.description, '');
  if (d.default !== undefined) lines.push(`default: \`${d.hidden || isSecretName(d.name) ? MASK : JSON.stringify(redactValue(d.default))}\``);
  for (const c of d.constraints) {
    if (c.allowedValues) lines.push(`allowed values: ${c.allowedValues.map((v) => `\`${JSON.stringify(v)}\``).join(', ')}`);
    if (c.range) lines.push(`range: ${c.range.min ?? '…'} to ${c.range.max ?? '…'}`);
    if (c.length) lines.push(`length: ${c.length.min ?? 0} to ${c.length.max ?? '…'}`);
    if (c.allowedPattern) lines.push(`pattern: \`${c.allowedPattern}\``);
    if (c.description) lines.push(`_${c.description}_`);
  }
  if (d.hidden) lines.push('hidden (NoEcho): its value is never shown');
  // a Jinja source rendered once per role declares the same name on the same line several times
  const places = new Map<string, string[]>();
  for (const x of defs) {
    const at = x.rendered ? `\`${x.template}\` line ${x.line + 1}` : `\`${x.template}\``;
    places.set(at, [...(places.get(at) ?? []), ...(x.rendered ? [`\`${x.rendered}\``] : [])]);
  }
  lines.push('', `defined in: ${[...places].map(([at, outs]) => (outs.length ? `${at} (rendered as ${outs.join(', ')})` : at)).join(', ')}`);
  return lines.join('  \n');
}

export function hover(ctx: DocumentContext, position: Position, planState: PlanState | null): Hover | null {
  const { doc, kind, parsed, place } = ctx;
  const offset = doc.offsetAt(position);
  const onFile = fileHover(ctx, offset);
  if (onFile) return onFile;
  const at = nodeAt(parsed, offset);
  const name = place && parameterNameAt(ctx, at);
  if (name && at) {
    const all = place.index.parameters.get(name);
    // in a template, get_param means this template's own declaration
    const defs = kind === 'heat-template' ? all?.filter((d) => d.template === place.path) : all;
    if (!defs?.length) return null;
    const values = parameterValues(name, defs, place.index, planState);
    const value = [parameterDocs(defs), ...(values.length ? ['', '---', '', values.join('  \n')] : [])].join('\n');
    return { contents: { kind: MarkupKind.Markdown, value }, range: { start: doc.positionAt(at.scalar.range![0]), end: doc.positionAt(at.scalar.range![1]) } };
  }
  if (kind !== 'environment') return null;
  for (const pair of parsed.topLevel) {
    const r = nodeRange(pair.key);
    const section = keyName(pair);
    if (!r || !section || offset < r.start || offset > r.end) continue;
    const text = SECTION_DOCS[section];
    if (!text) return null;
    return {
      contents: { kind: MarkupKind.Markdown, value: `**${section}** (environment file section)\n\n${text}` },
      range: { start: doc.positionAt(r.start), end: doc.positionAt(r.end) },
    };
  }
  return null;
}
