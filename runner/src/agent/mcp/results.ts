// What an MCP tool's result reads as, for the model and the transcript: its
// text, with other content (images, audio, resources) described in a line.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { MAX_RESULT_CHARS } from '../tools.js';

type Content = CallToolResult['content'][number];

export function resultText(result: { content?: unknown; structuredContent?: unknown }): string {
  const content = Array.isArray(result.content) ? (result.content as Content[]) : [];
  const parts = content.map(describe);
  if (!parts.length && result.structuredContent !== undefined) {
    parts.push(JSON.stringify(result.structuredContent, null, 2));
  }
  const text = parts.join('\n') || '(no output)';
  return text.length <= MAX_RESULT_CHARS
    ? text
    : `${text.slice(0, MAX_RESULT_CHARS)}\n[… cut: ${text.length - MAX_RESULT_CHARS} more characters]`;
}

function describe(item: Content): string {
  switch (item.type) {
    case 'text':
      return item.text;
    case 'image':
    case 'audio':
      return `[${item.type} ${item.mimeType}, ${Math.round((item.data.length * 3) / 4)} bytes]`;
    case 'resource':
      return 'text' in item.resource ? item.resource.text : `[resource ${item.resource.uri}]`;
    case 'resource_link':
      return `[resource ${item.uri}${item.name ? ` (${item.name})` : ''}]`;
    default:
      return '';
  }
}
