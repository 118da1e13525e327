// Files in a session's container. Content moves through Docker's archive
// API (put/getArchive); whether the non-root user may read or write a path
// is asked of the container first, by running a test as that user, so the
// archive API (which works as root) grants nothing the user could not do.
import type Docker from 'dockerode';
import path from 'node:path/posix';
import type { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import { dockerStatusOf, EnvironmentError } from './errors.js';
import { shellQuote } from './scripts.js';
import type { ExecResult, FileEntry } from './types.js';

/** Runs a command in the container as the non-root user. */
export type RunAsUser = (command: string) => Promise<ExecResult>;

export interface FileAccess {
  container: Docker.Container;
  run: RunAsUser;
  uid: number;
  gid: number;
  workspace: string;
  maxReadBytes: number;
}

/** Absolute, normalised; relative paths are taken from the workspace. */
export function resolveInContainer(workspace: string, p: string): string {
  if (!p || p.includes('\0')) throw new EnvironmentError('bad_request', 'A file path must not be empty');
  return path.resolve(workspace, p);
}

export async function readFile(access: FileAccess, p: string): Promise<Uint8Array> {
  const file = resolveInContainer(access.workspace, p);
  const q = shellQuote(file);
  const check = await access.run(
    `[ -e ${q} ] || exit 3; [ -d ${q} ] && exit 4; [ -r ${q} ] || exit 5; stat -L -c %s -- ${q}; readlink -f -- ${q}`,
  );
  failFor(check, file, 'read');
  const [sizeLine, realLine] = check.stdout.split('\n');
  const size = Number(sizeLine);
  if (size > access.maxReadBytes) {
    throw new EnvironmentError(
      'too_large',
      `${file} is ${size} bytes, more than the ${access.maxReadBytes} bytes read at once; read parts of it with a command`,
    );
  }
  const archive = await getArchive(access.container, realLine?.trim() || file);
  for await (const entry of archive) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry as AsyncIterable<Buffer>) chunks.push(chunk);
    if (entry.header.type !== 'file') continue;
    return new Uint8Array(Buffer.concat(chunks));
  }
  throw new EnvironmentError('file_not_found', `${file} is not a regular file`);
}

export async function writeFile(access: FileAccess, p: string, content: Uint8Array | string): Promise<void> {
  const file = resolveInContainer(access.workspace, p);
  const dir = path.dirname(file);
  const q = shellQuote(file);
  // Parent folders are made as the user; the file keeps its mode when it exists.
  const check = await access.run(
    `mkdir -p -- ${shellQuote(dir)} || exit 5; [ -d ${q} ] && exit 4; ` +
      `if [ -e ${q} ]; then [ -w ${q} ] || exit 5; stat -c %a -- ${q}; else [ -w ${shellQuote(dir)} ] || exit 5; fi`,
  );
  failFor(check, file, 'write');
  const mode = parseInt(check.stdout.trim() || '644', 8);
  const body = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content);
  const pack = tar.pack();
  pack.entry(
    {
      name: path.basename(file),
      size: body.length,
      mode,
      uid: access.uid,
      gid: access.gid,
      mtime: new Date(),
    },
    body,
  );
  pack.finalize();
  try {
    await access.container.putArchive(pack as unknown as NodeJS.ReadableStream, { path: dir });
  } catch (cause) {
    throw new EnvironmentError('permission_denied', `Cannot write ${file}: ${String(cause)}`, { cause });
  }
}

export async function listFiles(
  access: FileAccess,
  p: string,
  options: { recursive?: boolean; limit?: number } = {},
): Promise<FileEntry[]> {
  const dir = resolveInContainer(access.workspace, p);
  const limit = Math.max(1, Math.min(options.limit ?? 1000, 100_000));
  const q = shellQuote(dir);
  const depth = options.recursive ? '' : '-maxdepth 1';
  const listing = await access.run(
    `[ -e ${q} ] || exit 3; [ -d ${q} ] || exit 6; [ -r ${q} ] && [ -x ${q} ] || exit 5; ` +
      `find ${q} -mindepth 1 ${depth} -printf '%y\\t%s\\t%p\\0' 2>/dev/null | head -z -n ${limit}; exit 0`,
  );
  failFor(listing, dir, 'list');
  return listing.stdout
    .split('\0')
    .filter(Boolean)
    .map((line) => {
      const [kind, size, ...rest] = line.split('\t');
      return { path: rest.join('\t'), type: typeOf(kind), size: Number(size) || 0 };
    })
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function typeOf(kind: string | undefined): FileEntry['type'] {
  if (kind === 'f') return 'file';
  if (kind === 'd') return 'directory';
  if (kind === 'l') return 'symlink';
  return 'other';
}

function failFor(result: ExecResult, file: string, verb: string): void {
  if (result.ended === 'exited' && result.exitCode === 0) return;
  switch (result.exitCode) {
    case 3:
      throw new EnvironmentError('file_not_found', `${file} does not exist`);
    case 4:
      throw new EnvironmentError('bad_request', `${file} is a folder, not a file`);
    case 5:
      throw new EnvironmentError('permission_denied', `The Environment's user may not ${verb} ${file}`);
    case 6:
      throw new EnvironmentError('bad_request', `${file} is a file, not a folder`);
    default:
      throw new EnvironmentError(
        'internal',
        `Could not ${verb} ${file} (${result.ended}, exit code ${result.exitCode ?? 'none'}): ${result.stderr.trim()}`,
      );
  }
}

async function getArchive(container: Docker.Container, file: string): Promise<tar.Extract> {
  let stream: Readable;
  try {
    stream = (await container.getArchive({ path: file })) as unknown as Readable;
  } catch (cause) {
    if (dockerStatusOf(cause) === 404) {
      throw new EnvironmentError('file_not_found', `${file} does not exist`, { cause });
    }
    throw cause;
  }
  const extract = tar.extract();
  stream.pipe(extract);
  return extract;
}
