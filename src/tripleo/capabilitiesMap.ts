import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { heatValue, parseHeatYaml } from './heatYaml';
import { PlanError } from './errors';

export const CAPABILITIES_MAP_FILE = 'capabilities-map.yaml';

export interface EnvironmentEntry {
  file: string;
  title: string;
  description?: string;
  requires: string[];
}

export interface EnvironmentGroup {
  title: string;
  description?: string;
  tags: string[];
  mutuallyExclusive: boolean;
  environments: EnvironmentEntry[];
}

export interface Topic {
  title: string;
  description?: string;
  groups: EnvironmentGroup[];
}

export interface CapabilitiesMap {
  rootTemplate?: string;
  rootEnvironment?: string;
  topics: Topic[];
}

export interface MapProblem {
  message: string;
  line?: number;
  /** a YAML syntax error (the rest are problems of the map's structure) */
  syntax?: boolean;
}

/**
 * Reads a capabilities map as TripleO's clients did (YAML read like Heat reads it). Structural
 * problems (a missing `file`, `topics`...) are collected with their line numbers; the map is still
 * returned as far as it could be read. An empty or missing title is no problem: TripleO's own GUI
 * showed such entries, and released maps have them; they are shown as untitled.
 */
export function readCapabilitiesMap(text: string): { map: CapabilitiesMap; problems: MapProblem[] } {
  const { doc, lineCounter: lines, errors } = parseHeatYaml(text);
  const problems: MapProblem[] = [];
  const lineOf = (node: unknown) => {
    const r = (node as { range?: [number, number, number] } | null)?.range;
    return r ? lines.linePos(r[0]).line : undefined;
  };
  for (const e of errors) problems.push({ message: e.message, line: e.line, syntax: true });
  const map: CapabilitiesMap = { topics: [] };
  const root = doc.contents;
  if (!isMap(root)) {
    problems.push({ message: 'the capabilities map must be a mapping with `topics`', line: 1 });
    return { map, problems };
  }
  const str = (node: Node | null | undefined, key: string): string | undefined => {
    if (!isMap(node)) return undefined;
    const v = node.get(key, true);
    const value = isScalar(v) ? v.value : v === undefined ? undefined : heatValue(v, doc);
    return value === undefined || value === null || value === '' ? undefined : typeof value === 'object' ? JSON.stringify(value) : String(value);
  };
  map.rootTemplate = str(root, 'root_template');
  map.rootEnvironment = str(root, 'root_environment');
  const topics = root.get('topics', true);
  if (!isSeq(topics)) {
    problems.push({ message: 'missing `topics` (a list)', line: lineOf(root) });
    return { map, problems };
  }
  // whether any group says `mutually_exclusive` itself (a Pike or later map)
  const pikeStyle = /^[ \t-]*mutually_exclusive[ \t]*:/m.test(text);
  for (const t of topics.items as Node[]) {
    const title = str(t, 'title');
    const topic: Topic = { title: title ?? '(untitled topic)', description: str(t, 'description'), groups: [] };
    map.topics.push(topic);
    const groups = isMap(t) ? t.get('environment_groups', true) : undefined;
    if (!isSeq(groups)) {
      problems.push({ message: `topic "${topic.title}" has no \`environment_groups\` list`, line: lineOf(t) });
      continue;
    }
    for (const g of groups.items as Node[]) {
      const gTitle = str(g, 'title');
      const tags = isMap(g) ? g.get('tags', true) : undefined;
      const group: EnvironmentGroup = {
        title: gTitle ?? '(untitled group)',
        description: str(g, 'description'),
        tags: isSeq(tags) ? (heatValue(tags, doc) as unknown[]).map(String) : [],
        // before Pike every group of more than one environment was exclusive; an explicit key wins
        mutuallyExclusive: false,
        environments: [],
      };
      const explicit = isMap(g) ? g.get('mutually_exclusive') : undefined;
      topic.groups.push(group);
      const envs = isMap(g) ? g.get('environments', true) : undefined;
      if (!isSeq(envs)) {
        problems.push({ message: `group "${group.title}" has no \`environments\` list`, line: lineOf(g) });
        continue;
      }
      for (const e of envs.items as Node[]) {
        const file = str(e, 'file');
        const eTitle = str(e, 'title');
        if (!file) problems.push({ message: `an environment of group "${group.title}" has no \`file\``, line: lineOf(e) });
        const req = isMap(e) ? e.get('requires', true) : undefined;
        if (file) {
          group.environments.push({
            file: normalizePath(file),
            title: eTitle ?? file,
            description: str(e, 'description'),
            requires: isSeq(req) ? (heatValue(req, doc) as unknown[]).map((r) => normalizePath(String(r))) : [],
          });
        }
      }
      group.mutuallyExclusive = explicit === undefined || explicit === null ? group.environments.length > 1 && !pikeStyle : Boolean(explicit);
    }
  }
  return { map, problems };
}

/** Reads a map and throws when it is not usable. */
export function parseCapabilitiesMap(text: string, file = CAPABILITIES_MAP_FILE): CapabilitiesMap {
  const { map, problems } = readCapabilitiesMap(text);
  if (problems.length) {
    throw new PlanError(
      'invalid-capabilities-map',
      `${file} is invalid`,
      problems.map((p) => (p.line ? `line ${p.line}: ${p.message}` : p.message)),
    );
  }
  return map;
}

/**
 * A plan path without `.` and `x/..`; a `..` that climbs above the plan's root stays at the front
 * (`../x.yaml`): it names no file of the plan, and clamping it to the root would name the wrong one.
 */
export function normalizePath(p: string): string {
  const parts: string[] = [];
  for (const seg of p.replace(/\\/g, '/').split('/')) {
    if (!seg || seg === '.') continue;
    if (seg === '..' && parts.length && parts[parts.length - 1] !== '..') parts.pop();
    else parts.push(seg);
  }
  return parts.join('/');
}

/** A normalized path that climbs above the plan's root. */
export function isOutsidePlan(normalized: string): boolean {
  return normalized === '..' || normalized.startsWith('../');
}

/** Every environment of the map, with where it sits. */
export function allEnvironments(map: CapabilitiesMap): { env: EnvironmentEntry; group: EnvironmentGroup; topic: Topic }[] {
  return map.topics.flatMap((topic) => topic.groups.flatMap((group) => group.environments.map((env) => ({ env, group, topic }))));
}

/** A problem of a capabilities map against the files of its plan. */
export interface MapFileProblem {
  kind: 'missing-file' | 'missing-requirement' | 'duplicate' | 'outside-plan';
  /** the file of the map the problem is about (an environment, the root template or environment) */
  file: string;
  /** the path as the map writes it where the problem shows: the file, or the required one */
  mentioned: string;
  message: string;
}

/** Problems of the map against the files of the plan: missing files, dangling `requires`, duplicates. */
export function checkMapAgainstFiles(map: CapabilitiesMap, files: Iterable<string>): MapFileProblem[] {
  const have = new Set([...files].map(normalizePath));
  const out: MapFileProblem[] = [];
  const seen = new Set<string>();
  const problem = (kind: MapFileProblem['kind'], file: string, message: string, mentioned = file) => out.push({ kind, file, mentioned, message });
  for (const [key, file] of [
    ['root_template', map.rootTemplate],
    ['root_environment', map.rootEnvironment],
  ] as const) {
    if (file && !have.has(normalizePath(file))) problem('missing-file', file, `${key} ${file} does not exist`);
  }
  for (const { env } of allEnvironments(map)) {
    if (seen.has(env.file)) problem('duplicate', env.file, `${env.file} is listed more than once`);
    seen.add(env.file);
    if (isOutsidePlan(env.file)) problem('outside-plan', env.file, `${env.file} climbs above the plan folder: a plan has no file there`);
    else if (!have.has(env.file)) problem('missing-file', env.file, `${env.file} does not exist`);
    for (const r of env.requires) if (!have.has(r)) problem('missing-requirement', env.file, `${env.file} requires ${r}, which does not exist`, r);
  }
  return out;
}
