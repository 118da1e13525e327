// Rebuilds the model conversation from a session's transcript: user messages
// (with attachments), the agent's text, and tool calls with their results.
// Notices are for people and never reach the model.
import type { AttachmentRef, TranscriptEntry } from '@orrery/shared';
import type { ChatMessage, Part } from './model.js';
import { MAX_RESULT_CHARS } from './tools.js';

/** Loads an image attachment's bytes as base64, or null when it cannot be had. */
export type ImageLoader = (attachment: AttachmentRef) => Promise<string | null>;

export interface HistoryOptions {
  acceptsImages: boolean;
  loadImage: ImageLoader;
  /** Where attachments are placed in the Environment, for the text the model reads. */
  attachmentPath: (attachment: AttachmentRef) => string;
  /** Tool outputs longer than this reach the model as their head and tail (MAX_RESULT_CHARS when unset). */
  maxToolResultChars?: number;
}

/**
 * A long output's head and tail with a note where it was cut: the command's
 * start (what ran) and its end (how it ended) are what the model needs. The
 * transcript keeps the whole output.
 */
export function trimOutput(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = Math.floor(max * 0.4);
  const tail = max - head;
  const cut = text.length - head - tail;
  return `${text.slice(0, head)}\n[… ${cut} characters cut here; the full output is in the transcript …]\n${text.slice(-tail)}`;
}

export async function buildHistory(
  entries: readonly TranscriptEntry[],
  options: HistoryOptions,
): Promise<ChatMessage[]> {
  const messages: ChatMessage[] = [];
  const max = options.maxToolResultChars ?? MAX_RESULT_CHARS;
  let assistant: Part[] = [];
  let results: Part[] = [];

  const flush = () => {
    if (assistant.length) messages.push({ role: 'assistant', parts: assistant });
    if (results.length) messages.push({ role: 'user', parts: results });
    assistant = [];
    results = [];
  };

  for (const entry of entries) {
    switch (entry.kind) {
      case 'user':
        flush();
        messages.push({ role: 'user', parts: await userParts(entry.text, entry.attachments, options) });
        break;
      case 'agent':
        if (!entry.text) break;
        // Text after tool results starts the next assistant message.
        if (results.length) flush();
        assistant.push({ type: 'text', text: entry.text });
        break;
      case 'tool': {
        if (results.length && !assistant.some((p) => p.type === 'tool_use')) flush();
        assistant.push({ type: 'tool_use', id: entry.id, name: entry.name, input: parseInput(entry.input) });
        const content =
          entry.status === 'interrupted' || entry.status === 'cancelled'
            ? `The tool call was ${entry.status} before it finished. Output so far:\n${trimOutput(entry.output, max)}`
            : trimOutput(entry.output, max) || '(no output)';
        results.push({
          type: 'tool_result',
          toolUseId: entry.id,
          content: entry.exitCode !== null ? `exit code: ${entry.exitCode}\n${content}` : content,
          isError: entry.status !== 'done',
        });
        break;
      }
      case 'notice':
        break;
      case 'environment_proposal':
        // The proposal's tool result already told the model what it proposed.
        break;
    }
  }
  flush();
  return mergeAdjacent(messages);
}

async function userParts(
  text: string,
  attachments: AttachmentRef[],
  options: HistoryOptions,
): Promise<Part[]> {
  const parts: Part[] = [];
  const placed: string[] = [];
  for (const a of attachments) {
    if (a.kind === 'image' && options.acceptsImages) {
      const data = await options.loadImage(a);
      if (data) {
        parts.push({ type: 'image', mediaType: a.mediaType, data });
        continue;
      }
    }
    placed.push(`- ${a.name} (${a.mediaType}, ${a.size} bytes) at ${options.attachmentPath(a)}`);
  }
  const note = placed.length ? `\n\nAttached files, placed in the Environment:\n${placed.join('\n')}` : '';
  parts.push({ type: 'text', text: `${text}${note}` || '(empty message)' });
  return parts;
}

/** Providers require alternating roles; consecutive messages of one role are merged. */
function mergeAdjacent(messages: ChatMessage[]): ChatMessage[] {
  const out: ChatMessage[] = [];
  for (const m of messages) {
    const last = out[out.length - 1];
    if (last && last.role === m.role) {
      // Tool results must come first in a user message that follows tool use.
      last.parts =
        m.role === 'user' ? [...last.parts, ...m.parts].sort(resultsFirst) : [...last.parts, ...m.parts];
    } else out.push({ role: m.role, parts: [...m.parts] });
  }
  return out;
}

function resultsFirst(a: Part, b: Part): number {
  return Number(b.type === 'tool_result') - Number(a.type === 'tool_result');
}

function parseInput(input: string): unknown {
  try {
    return JSON.parse(input);
  } catch {
    return {};
  }
}
