// A scripted model that plays the Orrery Advisor for the end-to-end journeys:
// it asks to inspect the folder the user named, proposes an Environment from
// the manifests it was really sent back, then says it is done. It speaks the
// real wire formats (see scripted-model-server.ts). Run as a program, it
// prints its address on the first line of stdout.
import { pathToFileURL } from 'node:url';
import { ScriptedModelServer, type RecordedRequest, type ScriptedReply } from './scripted-model-server.js';

type Message = { role: string; content: unknown };

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return (content as Record<string, unknown>[])
    .map((p) => {
      if (p.type === 'text' && typeof p.text === 'string') return p.text;
      if (p.type === 'tool_result') return textOf(p.content);
      return '';
    })
    .join('');
}

/** The manifest `name` as inspect_repository showed it. */
export function manifestIn(result: string, name: string): string | undefined {
  const start = result.indexOf(`--- ${name} ---\n`);
  if (start < 0) return undefined;
  const rest = result.slice(start + name.length + 9);
  const end = rest.indexOf('\n--- ');
  return end < 0 ? rest : rest.slice(0, end + 1);
}

/** The draft a careful Advisor would make of what inspect_repository answered. */
export function draftFrom(result: string): Record<string, unknown> {
  const repository = /^Repository (\S+) at commit/m.exec(result)?.[1] ?? '';
  const folder = repository.split('/').filter(Boolean).pop() ?? 'app';
  const node = manifestIn(result, '.nvmrc')?.trim();
  const python = manifestIn(result, '.python-version')?.trim();
  const variables: Record<string, string> = {};
  if (node) variables.NODE_VERSION = node;
  if (python) variables.PYTHON_VERSION = python;
  const language = node ? 'Node' : python ? 'Python' : 'Project';
  const manifest = node ? 'package.json' : python ? 'requirements.txt' : '.';
  return {
    name: `${language} ${folder}`.slice(0, 80),
    // The base image has bash and git; the toolchain would come from an official image with network.
    image: 'orrery/env-base:bookworm',
    repositories: [{ url: repository, path: folder }],
    setupScript: `cd /workspace/${folder} && test -e ${manifest}`,
    variables,
  };
}

export function advisorReply(request: RecordedRequest): ScriptedReply {
  const messages = (request.body.messages as Message[]) ?? [];
  const last = messages.at(-1);
  const lastText = last ? textOf(last.content) : '';
  const toolResult =
    last?.role === 'tool' ||
    (Array.isArray(last?.content) &&
      (last.content as Record<string, unknown>[]).some((p) => p.type === 'tool_result'));
  if (toolResult && lastText.startsWith('Repository ')) {
    return {
      text: 'I read the repository; here is an Environment for it.',
      toolCalls: [
        {
          id: `call_propose_${messages.length}`,
          name: 'propose_environment',
          input: {
            summary: 'Drafted from the repository’s own version files.',
            environment: draftFrom(lastText),
          },
        },
      ],
    };
  }
  if (toolResult && lastText.startsWith('Proposed ')) {
    return { text: 'Review the card above, or create it straight away.' };
  }
  if (toolResult) return { text: `That did not work: ${lastText}` };
  const folder = /(\/\S+)/.exec(lastText)?.[1]?.replace(/[.,;]$/, '');
  if (folder) {
    return {
      toolCalls: [
        { id: `call_inspect_${messages.length}`, name: 'inspect_repository', input: { repository: folder } },
      ],
    };
  }
  return { text: 'Tell me where the repository is.' };
}

export async function startAdvisorModel(): Promise<{ url: string; server: ScriptedModelServer }> {
  const server = new ScriptedModelServer();
  server.fallback = advisorReply;
  return { url: await server.start(), server };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { url, server } = await startAdvisorModel();
  console.log(url);
  const stop = () => void server.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
