import * as fs from 'node:fs';
import * as path from 'node:path';
import { md5, SwiftClient } from '../openstack/swift';
import { mapLimit } from './concurrency';
import { PlanError } from './errors';
import { LocalFile, RESERVED_PREFIX } from './localPlan';
import { isJinjaSource, needsRendering, renderPlanTemplates, RenderResult } from './templateRendering';

/**
 * Rendering runs here, in the library on the client, before anything is uploaded: Mistral's DSL has
 * no function that renders runtime text, and Mistral's own Jinja uses other whitespace and undefined
 * rules than the Jinja2 tripleo-common rendered with. Every client (CLI, extension) goes through
 * this module, so a plan is rendered the same way wherever it is created, updated or deployed.
 */

/** Files that decide what is rendered: a change to one of them calls for a new render. */
export const RENDER_INPUTS = ['roles_data.yaml', 'network_data.yaml', 'j2_excludes.yaml'];

const INCLUDE = /\{%-?\s*(?:include|import|from)\s+['"]([^'"]+)['"]/g;

/** The plan files a render reads: the Jinja sources, its inputs and what they include (read level by level). */
async function readRenderSources(names: Iterable<string>, read: (name: string) => string | Promise<string>): Promise<Map<string, string>> {
  const all = new Set(names);
  const files = new Map<string, string>();
  let level = [...all].filter((n) => isJinjaSource(n) || RENDER_INPUTS.includes(n));
  // Jinja looks an include up beside the template being rendered, then at the root
  const dirs = [...new Set(level.filter(isJinjaSource).map((n) => path.posix.dirname(n)))];
  while (level.length) {
    const texts = await mapLimit(level, 16, async (n) => read(n));
    const next = new Set<string>();
    level.forEach((name, i) => files.set(name, texts[i]));
    for (const text of texts) {
      for (const m of text.matchAll(INCLUDE)) {
        for (const c of [...dirs.map((d) => path.posix.join(d, m[1])), path.posix.normalize(m[1])]) if (all.has(c) && !files.has(c)) next.add(c);
      }
    }
    level = [...next];
  }
  return files;
}

function rendered(result: RenderResult, where: string): LocalFile[] {
  if (result.errors.length) {
    throw new PlanError(
      'render-failed',
      `rendering the Jinja templates of ${where} failed; nothing was written`,
      result.errors.map((e) => e.message),
    );
  }
  return result.rendered.map((t) => {
    const data = Buffer.from(t.text, 'utf8');
    return { name: t.path, absolute: '', size: data.length, md5: md5(data), data, renderedFrom: t.source };
  });
}

/** The files to upload for a scanned plan folder: its own files plus, where it has roles_data.yaml, the rendered ones. */
export async function withRenderedFiles(folder: string, scanned: LocalFile[]): Promise<LocalFile[]> {
  if (!needsRendering(scanned.map((f) => f.name))) return scanned;
  const byName = new Map(scanned.map((f) => [f.name, f]));
  const sources = await readRenderSources(byName.keys(), (n) => fs.readFileSync(byName.get(n)!.absolute, 'utf8'));
  const out = rendered(renderPlanTemplates(sources), folder);
  // a rendered file replaces a file of the same name in the folder, as tripleo-common overwrote it
  for (const f of out) byName.set(f.name, f);
  return [...byName.values()];
}

/**
 * Renders a plan from the sources in its own container and writes the rendered files that changed
 * beside them (before a deploy: the container may have been edited since the last upload). Returns
 * the names written. Nothing is written when the render fails.
 */
export async function renderPlanContainer(swift: SwiftClient, container: string, signal?: AbortSignal): Promise<string[]> {
  const listing = (await swift.listObjects(container, { signal })).filter((o) => !o.name.startsWith(RESERVED_PREFIX));
  if (!needsRendering(listing.map((o) => o.name))) return [];
  const sources = await readRenderSources(
    listing.map((o) => o.name),
    (n) => swift.getObjectText(container, n, signal),
  );
  const files = rendered(renderPlanTemplates(sources), `plan ${container}`);
  const hash = new Map(listing.map((o) => [o.name, o.hash]));
  const changed = files.filter((f) => hash.get(f.name) !== f.md5);
  await mapLimit(changed, 16, (f) => swift.putObject(container, f.name, f.data!, { contentType: 'application/x-yaml', signal }));
  return changed.map((f) => f.name);
}
