// Calls to the server's REST API for setting up journeys (accounts, sessions),
// parsed with the shared contracts like the app does.
import {
  CreateSessionResponse,
  LoginResponse,
  SessionResponse,
  ExpertsResponse,
  type Visibility,
} from '@orrery/shared';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from './stack.js';

export interface TestUser {
  id: string;
  name: string;
  email: string;
  password: string;
  token: string;
}

async function call<T>(url: string, init: RequestInit, parse: (json: unknown) => T): Promise<T> {
  const res = await fetch(url, init);
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url} answered ${res.status}: ${text}`);
  return parse(text ? JSON.parse(text) : null);
}

export async function login(server: string, email: string, password: string): Promise<TestUser> {
  const res = await call(
    `${server}/api/auth/login`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    },
    (j) => LoginResponse.parse(j),
  );
  return { id: res.user.id, name: res.user.name, email, password, token: res.token };
}

export function loginAdmin(server: string): Promise<TestUser> {
  return login(server, ADMIN_EMAIL, ADMIN_PASSWORD);
}

let counter = 0;

/** A new member (or admin) of the admin's organisation, with a name unique to this run. */
export async function createTeammate(
  server: string,
  admin: TestUser,
  name: string,
  role: 'member' | 'admin' = 'member',
): Promise<TestUser> {
  counter += 1;
  const email = `${name.toLowerCase().replace(/\W+/g, '-')}-${Date.now().toString(36)}-${counter}@orrery.test`;
  const password = `password-of-${name.toLowerCase()}-${counter}`;
  await call(
    `${server}/api/users`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}` },
      body: JSON.stringify({ email, name, password, role }),
    },
    () => null,
  );
  return login(server, email, password);
}

export async function shellExpertId(server: string, user: TestUser): Promise<string> {
  const { experts } = await call(
    `${server}/api/experts`,
    { headers: { authorization: `Bearer ${user.token}` } },
    (j) => ExpertsResponse.parse(j),
  );
  const shell = experts.find((e) => e.model.provider === 'shell');
  if (!shell) throw new Error('The server has no Expert with the shell provider.');
  return shell.id;
}

export async function setVisibility(
  server: string,
  user: TestUser,
  sessionId: string,
  visibility: Visibility,
) {
  await call(
    `${server}/api/sessions/${sessionId}/visibility`,
    {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${user.token}` },
      body: JSON.stringify({ visibility }),
    },
    (j) => SessionResponse.parse(j),
  );
}

export async function createSession(
  server: string,
  user: TestUser,
  body: { prompt: string; visibility?: Visibility },
): Promise<SessionResponse['session']> {
  const expertId = await shellExpertId(server, user);
  const res = await call(
    `${server}/api/sessions`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${user.token}` },
      body: JSON.stringify({ expertId, ...body }),
    },
    // Starting a session also says which attachments the server left out.
    (j) => CreateSessionResponse.parse(j),
  );
  return res.session;
}
