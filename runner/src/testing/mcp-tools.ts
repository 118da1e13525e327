// A real MCP server for tests, written with the official SDK: a small
// ticket tracker whose answers depend on its input (and, over HTTP, on the
// header it was sent), so a test sees the call went through.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';

export const TICKETS: Record<string, string> = {
  'ORR-7': 'Login page flickers on Safari (open, assigned to Ana)',
  'ORR-9': 'Export to CSV drops the last row (closed)',
};

export function ticketServer(where: string): McpServer {
  const server = new McpServer({ name: 'tickets', version: '1.0.0' });
  server.registerTool(
    'lookup_ticket',
    {
      description: 'Look up a ticket by its id, e.g. ORR-7.',
      inputSchema: { id: z.string() },
    },
    ({ id }) => {
      const ticket = TICKETS[id];
      return ticket
        ? { content: [{ type: 'text', text: `${id}: ${ticket} [served ${where}]` }] }
        : { content: [{ type: 'text', text: `No ticket ${id}.` }], isError: true };
    },
  );
  // A name the providers would refuse as it is: it reaches the model made to fit.
  server.registerTool(
    'tickets.count',
    { description: 'How many tickets there are.', inputSchema: {} },
    () => ({ content: [{ type: 'text', text: `${Object.keys(TICKETS).length} tickets` }] }),
  );
  return server;
}
