// What the builds tests do again and again: make an Environment over REST,
// read its builds, and play the runner (claim the build job, report, complete).
// The server and runner token are read when called, so a file can make its
// kit at the top and start its server in beforeAll.
import type { BuildsResponse, Job } from '@orrery/shared';
import { expect } from 'vitest';
import type { TestServer } from '../test-support.js';

export function buildsKit(server: () => TestServer, runnerToken: () => string) {
  const definition = (name: string, scope: 'personal' | 'organisation' = 'organisation') => ({
    name,
    image: 'orrery/env-base:bookworm',
    setupScript: 'echo hello',
    scope,
  });

  return {
    definition,

    createEnvironment: async (token: string, name: string, scope?: 'personal' | 'organisation') => {
      const res = await server().api<{ environment: { id: string } }>(
        token,
        'POST',
        '/api/environments',
        definition(name, scope),
      );
      expect(res.status).toBe(201);
      return res.body.environment.id;
    },

    builds: (token: string, environmentId: string) =>
      server().api<BuildsResponse>(token, 'GET', `/api/environments/${environmentId}/builds`),

    /** What a runner does: claim the build job. */
    claimBuild: async (): Promise<Job> => {
      const res = await server().api<{ job: Job | null }>(runnerToken(), 'POST', '/api/runner/claim', {
        runnerId: 'test',
        waitMs: 0,
        kinds: ['build_environment'],
      });
      expect(res.body.job?.kind).toBe('build_environment');
      return res.body.job as Job;
    },

    report: (job: Job, body: Record<string, unknown>) =>
      server().api(runnerToken(), 'POST', `/api/runner/builds/${job.buildId}/report`, {
        leaseToken: job.leaseToken,
        ...body,
      }),

    complete: async (job: Job, outcome: 'done' | 'failed') => {
      await server().api(runnerToken(), 'POST', `/api/runner/jobs/${job.id}/complete`, {
        leaseToken: job.leaseToken,
        outcome,
      });
    },
  };
}
