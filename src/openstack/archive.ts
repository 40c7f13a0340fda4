import { create } from 'tar';

/** A tar archive (in memory) of the given files, relative to `cwd`, for Swift's extract-archive. */
export async function tarFiles(cwd: string, files: string[], opts: { gzip?: boolean } = {}): Promise<Buffer> {
  const chunks: Buffer[] = [];
  // portable: no uid/gid/mtime noise; follow: Swift ignores symlink entries, so send the content
  const stream = create({ cwd, gzip: opts.gzip ?? false, portable: true, noDirRecurse: true, follow: true }, files);
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}
