// Calls to the server's REST API for setting up journeys (accounts, sessions),
// through the shared client the app uses.
import { OrreryClient, type SessionResponse, type Visibility } from '@orrery/shared';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from './stack.js';

export interface TestUser {
  id: string;
  name: string;
  email: string;
  password: string;
  token: string;
}

/** The shared client, signed in as `user` (or no one). */
export const clientFor = (server: string, user: TestUser | null) =>
  new OrreryClient({ baseUrl: server, token: user?.token ?? null });

export async function login(server: string, email: string, password: string): Promise<TestUser> {
  const res = await clientFor(server, null).auth.login({ email, password });
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
  await clientFor(server, admin).users.create({ email, name, password, role });
  return login(server, email, password);
}

export async function shellExpertId(server: string, user: TestUser): Promise<string> {
  const { experts } = await clientFor(server, user).experts.list();
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
  await clientFor(server, user).sessions.setVisibility(sessionId, visibility);
}

export async function createSession(
  server: string,
  user: TestUser,
  body: { prompt: string; visibility?: Visibility },
): Promise<SessionResponse['session']> {
  const expertId = await shellExpertId(server, user);
  return (await clientFor(server, user).sessions.create({ expertId, ...body })).session;
}
