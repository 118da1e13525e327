// The ticket server on stdin/stdout, bundled into the test image and started
// inside the session's Environment (see mcp-test-image.ts).
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { ticketServer } from './mcp-tools.js';

await ticketServer(
  `in ${process.env.HOSTNAME ? 'the container' : 'a process'} as uid ${process.getuid?.()}`,
).connect(new StdioServerTransport());
