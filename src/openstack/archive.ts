import { create } from 'tar';

/** A tar archive (in memory) of the given files, relative to `cwd`, for Swift's extract-archive. */
export async function tarFiles(cwd: string, files: string[], opts: { gzip?: boolean } = {}): Promise<Buffer> {
  const chunks: Buffer[] = [];
  // portable: no uid/gid/mtime noise; Swift stores the file contents only
  const stream = create({ cwd, gzip: opts.gzip ?? false, portable: true, noDirRecurse: true, follow: false }, files);
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}
