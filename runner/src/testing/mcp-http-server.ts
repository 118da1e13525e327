// The ticket server over Streamable HTTP on loopback (stateless: a fresh
// server per request), answering only requests that carry the expected
// Authorization header, and keeping every header it saw for the test.
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ticketServer } from './mcp-tools.js';

export class HttpMcpServer {
  readonly seen: IncomingHttpHeaders[] = [];
  private server: Server | null = null;

  constructor(private readonly authorization: string) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.seen.push(req.headers);
      if (req.headers.authorization !== this.authorization) {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"unauthorized"}');
        return;
      }
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      const mcp = ticketServer('over HTTP');
      res.on('close', () => {
        void transport.close();
        void mcp.close();
      });
      mcp
        .connect(transport)
        .then(() => transport.handleRequest(req, res))
        .catch(() => res.writeHead(500).end());
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/mcp`;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
