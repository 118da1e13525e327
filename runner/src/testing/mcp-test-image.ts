// The test image for stdio MCP servers: the base image plus a node binary and
// the ticket server bundled into one file. The containers have no network, so
// nothing is installed: the host's own node (a Debian bookworm build, like the
// base image) is copied in. Tagged by what goes in, so it is built once.
import type Docker from 'dockerode';
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { pack } from 'tar-stream';
import { BASE_IMAGE } from '../environments/test-support.js';

export const MCP_SERVER_PATH = '/opt/mcp/tickets.mjs';

/** Builds (or finds) the image; resolves a reason instead when it cannot be had. */
export async function mcpTestImage(docker: Docker): Promise<{ image: string } | { skip: string }> {
  let node: Buffer;
  let bundle: string;
  try {
    node = readFileSync(realpathSync(process.execPath));
    const out = await build({
      entryPoints: [fileURLToPath(new URL('./mcp-stdio-server.ts', import.meta.url))],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node18',
      write: false,
      logLevel: 'silent',
    });
    bundle = out.outputFiles[0]!.text;
  } catch (error) {
    return { skip: `the MCP test server could not be bundled: ${String(error)}` };
  }
  const base = await docker.getImage(BASE_IMAGE).inspect();
  const hash = createHash('sha256').update(base.Id).update(node).update(bundle).digest('hex').slice(0, 16);
  const image = `orrery/test-mcp-node:${hash}`;
  if (
    await docker
      .getImage(image)
      .inspect()
      .then(
        () => true,
        () => false,
      )
  )
    return { image };
  const context = pack();
  context.entry(
    { name: 'Dockerfile' },
    `FROM ${BASE_IMAGE}\nCOPY node /usr/local/bin/node\nCOPY tickets.mjs ${MCP_SERVER_PATH}\n`,
  );
  context.entry({ name: 'node', mode: 0o755 }, node);
  context.entry({ name: 'tickets.mjs', mode: 0o644 }, bundle);
  context.finalize();
  try {
    const stream = await docker.buildImage(context as unknown as NodeJS.ReadableStream, {
      t: image,
      networkmode: 'none',
    });
    await new Promise<void>((resolve, reject) =>
      docker.modem.followProgress(stream, (error: Error | null, output: { error?: string }[]) => {
        const failed = error ?? output.find((o) => o.error)?.error;
        if (failed) reject(failed instanceof Error ? failed : new Error(failed));
        else resolve();
      }),
    );
    const check = await docker
      .getImage(image)
      .inspect()
      .then(
        () => true,
        () => false,
      );
    return check ? { image } : { skip: `docker build did not produce ${image}` };
  } catch (error) {
    return { skip: `the MCP test image could not be built: ${String(error)}` };
  }
}
