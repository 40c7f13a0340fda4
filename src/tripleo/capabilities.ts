import { allEnvironments, CapabilitiesMap, normalizePath } from './capabilitiesMap';
import { PlanError } from './errors';

export interface CapabilityEnvironment {
  file: string;
  title: string;
  description?: string;
  requires: string[];
  enabled: boolean;
}

export interface CapabilityGroup {
  title: string;
  description?: string;
  tags: string[];
  /** tagged no-gui: clients hide it from their forms but still honour it */
  noGui: boolean;
  mutuallyExclusive: boolean;
  environments: CapabilityEnvironment[];
}

export interface CapabilityTopic {
  title: string;
  description?: string;
  groups: CapabilityGroup[];
}

export const OTHER_TOPIC = 'Other';

/** Files that look like environments a user may want to select even though the map does not list them. */
export function isEnvironmentLike(file: string): boolean {
  return /^environments\/.+\.ya?ml$/.test(file) || /user-environment\.ya?ml$/.test(file);
}

/**
 * The map's topics with `enabled` on every environment; environment-like files of the plan that
 * the map does not list come under a topic "Other", one group per file.
 */
export function getCapabilities(map: CapabilitiesMap, selected: string[], planFiles: string[]): CapabilityTopic[] {
  const on = new Set(selected.map(normalizePath));
  const topics: CapabilityTopic[] = map.topics.map((t) => ({
    title: t.title,
    description: t.description,
    groups: t.groups.map((g) => ({
      title: g.title,
      description: g.description,
      tags: g.tags,
      noGui: g.tags.includes('no-gui'),
      mutuallyExclusive: g.mutuallyExclusive,
      environments: g.environments.map((e) => ({ ...e, enabled: on.has(e.file) })),
    })),
  }));
  const mapped = new Set(allEnvironments(map).map((x) => x.env.file));
  if (map.rootEnvironment) mapped.add(normalizePath(map.rootEnvironment));
  const others = planFiles
    .map(normalizePath)
    .filter((f) => isEnvironmentLike(f) && !mapped.has(f))
    .sort();
  if (others.length) {
    topics.push({
      title: OTHER_TOPIC,
      description: 'Environment files of the plan that the capabilities map does not list',
      groups: others.map((file) => ({
        title: file,
        tags: [],
        noGui: false,
        mutuallyExclusive: false,
        environments: [{ file, title: file, requires: [], enabled: on.has(file) }],
      })),
    });
  }
  return topics;
}

export interface SelectionProblem {
  /** the selected file the problem is about */
  file: string;
  kind: 'requires' | 'exclusive';
  message: string;
  /** the files that would fix it: the required one, or the others of the exclusive group */
  related: string[];
}

/** What is wrong with a selection: a `requires` not selected, two files of an exclusive group. */
export function selectionProblems(map: CapabilitiesMap, selection: string[]): SelectionProblem[] {
  const selected = new Set(selection.map(normalizePath));
  const out: SelectionProblem[] = [];
  for (const { env } of allEnvironments(map)) {
    if (!selected.has(env.file)) continue;
    for (const r of env.requires)
      if (!selected.has(r)) out.push({ file: env.file, kind: 'requires', message: `${env.file} requires ${r}, which is not selected`, related: [r] });
  }
  for (const topic of map.topics) {
    for (const g of topic.groups) {
      if (!g.mutuallyExclusive) continue;
      const chosen = g.environments.filter((e) => selected.has(e.file)).map((e) => e.file);
      if (chosen.length > 1)
        for (const f of chosen)
          out.push({
            file: f,
            kind: 'exclusive',
            message: `${chosen.join(' and ')} are mutually exclusive (group "${g.title}" of "${topic.title}")`,
            related: chosen.filter((c) => c !== f),
          });
    }
  }
  return out;
}

/**
 * Applies `{file: true|false}` to the ordered selection: kept files keep their place, new ones go
 * to the end. Refuses, naming every file concerned, a result where a selected environment's
 * `requires` is not selected or two files of a mutually exclusive group are both selected.
 */
export function updateSelection(map: CapabilitiesMap, current: string[], changes: Record<string, boolean>, planFiles?: string[]): string[] {
  const rootEnv = map.rootEnvironment ? normalizePath(map.rootEnvironment) : undefined;
  const known = new Set(allEnvironments(map).map((x) => x.env.file));
  const existing = planFiles ? new Set(planFiles.map(normalizePath)) : undefined;
  const problems: string[] = [];
  let next = current.map(normalizePath);
  for (const [raw, enable] of Object.entries(changes)) {
    const file = normalizePath(raw);
    if (enable) {
      if (existing && !existing.has(file)) problems.push(`${file} is not a file of the plan`);
      else if (!existing && !known.has(file) && file !== rootEnv) problems.push(`${file} is not in the capabilities map`);
      if (!next.includes(file)) next.push(file);
    } else {
      if (file === rootEnv) problems.push(`${file} is the root environment and stays selected`);
      next = next.filter((f) => f !== file);
    }
  }
  problems.push(...new Set(selectionProblems(map, next).map((p) => p.message)));
  if (problems.length) throw new PlanError('capabilities-conflict', 'the environment selection was not changed', problems);
  return next;
}
