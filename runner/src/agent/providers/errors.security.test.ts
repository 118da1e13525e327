// A model server's error answer reaches people only as a summary: its status
// and at most a short, cleaned message and code from the JSON error field.
// Whatever else the body holds (a page, a stack trace, a key) stays out.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ScriptedModelServer, type ScriptedReply } from '../../testing/scripted-model-server.js';
import { ModelError, type ModelClient } from '../model.js';
import { AnthropicClient } from './anthropic.js';
import { OpenAIClient } from './openai.js';

const LEAK = 'sk-live-9f8e7d6c5b4a39281706aa55';
const PAGE = `<!doctype html><html><body><h1>Internal Server Error</h1><pre>Traceback: db=postgres://admin:hunter2@10.0.0.5/prod token=${LEAK}</pre></body></html>`;

let server: ScriptedModelServer;
let url: string;
beforeAll(async () => {
  server = new ScriptedModelServer();
  url = await server.start();
});
beforeEach(() => server.reset());
afterAll(() => server.close());

const clients: [string, () => ModelClient][] = [
  ['Anthropic', () => new AnthropicClient({ apiKey: 'k', model: 'm', baseUrl: url, maxRetries: 0 })],
  [
    'OpenAI-compatible',
    () => new OpenAIClient({ apiKey: 'k', model: 'm', baseUrl: `${url}/v1`, maxRetries: 0 }),
  ],
];

async function failure(client: ModelClient, reply: ScriptedReply): Promise<ModelError> {
  server.script(reply);
  try {
    await client.complete({
      system: '',
      messages: [{ role: 'user', parts: [{ type: 'text', text: 'hi' }] }],
      tools: [],
      maxTokens: 10,
      signal: new AbortController().signal,
      onText: () => undefined,
    });
  } catch (error) {
    if (error instanceof ModelError) return error;
    throw error;
  }
  throw new Error('the call did not fail');
}

function expectNoLeak(message: string): void {
  expect(message).not.toContain(LEAK);
  expect(message).not.toContain('hunter2');
  expect(message).not.toContain('10.0.0.5');
  expect(message).not.toMatch(/<|Traceback/);
}

describe.each(clients)('%s error bodies', (_name, make) => {
  it.each([400, 404, 500, 502])('an HTML page answered with %i is summarised, not shown', async (status) => {
    const error = await failure(make(), { status, rawBody: PAGE, contentType: 'text/html' });
    expect(error.message).toContain(`The model server answered ${status}`);
    expectNoLeak(error.message);
  });

  it('a plain-text body is not shown either', async () => {
    const error = await failure(make(), {
      status: 403,
      rawBody: `denied: ${LEAK}`,
      contentType: 'text/plain',
    });
    expect(error.message).toContain('The model server answered 403 Forbidden');
    expectNoLeak(error.message);
  });

  it('keeps a short provider message and code from the JSON error field, cleaned', async () => {
    const body = JSON.stringify({
      error: {
        type: 'invalid_request_error',
        code: 'model_not_found',
        message: `The model does not exist. Debug: key ${LEAK} at postgres://admin:hunter2@10.0.0.5 \u202Egnp.exe ${'x'.repeat(500)}`,
      },
      trace: PAGE,
    });
    const error = await failure(make(), { status: 404, rawBody: body, contentType: 'application/json' });
    expect(error.message).toMatch(
      /The model server answered 404 Not Found \((model_not_found|invalid_request_error): The model does not exist\./,
    );
    expect(error.message).not.toContain('\u202E');
    expect(error.message.length).toBeLessThan(400);
    expectNoLeak(error.message);
  });

  it('drops a JSON error message that is markup', async () => {
    const body = JSON.stringify({ error: { type: 'api_error', message: PAGE } });
    const error = await failure(make(), { status: 400, rawBody: body, contentType: 'application/json' });
    expect(error.message).toContain('The model server answered 400 Bad Request (api_error).');
    expectNoLeak(error.message);
  });
});
