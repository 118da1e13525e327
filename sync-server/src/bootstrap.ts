// First run: the organisation and its first admin, then the built-ins.
import { Email, Password, type User } from '@orrery/shared';
import { generatePassword } from './auth/secrets.js';
import { seedBuiltIns } from './seeds.js';
import type { Services } from './services.js';

export interface BootstrapEnv {
  ORRERY_ADMIN_EMAIL?: string | undefined;
  ORRERY_ADMIN_PASSWORD?: string | undefined;
  ORRERY_ORG_NAME?: string | undefined;
}

export interface Bootstrapped {
  orgId: string;
  admin: User;
  /** Set only on the run that created the admin with a generated password. */
  generatedPassword: string | null;
}

export async function bootstrap(
  s: Services,
  env: BootstrapEnv,
  print: (line: string) => void,
): Promise<Bootstrapped> {
  let org = await s.accounts.firstOrganisation();
  let generatedPassword: string | null = null;
  if (!org) {
    const email = Email.parse(env.ORRERY_ADMIN_EMAIL?.trim() || 'admin@orrery.local');
    const given = env.ORRERY_ADMIN_PASSWORD;
    if (given !== undefined && given !== '' && !Password.safeParse(given).success) {
      throw new Error('ORRERY_ADMIN_PASSWORD must be at least 10 characters.');
    }
    const generated = generatePassword();
    const password = given || generated;
    // Another instance starting on the same database at this moment may make them first: then this one uses theirs.
    const made = await s.accounts.createFirstOrganisation(env.ORRERY_ORG_NAME?.trim() || 'My organisation', {
      email,
      name: 'Admin',
      password,
    });
    org = made?.organisation ?? (await s.accounts.firstOrganisation());
    if (!org)
      throw new Error('The first organisation could not be made or read back; the database is damaged.');
    if (made && !given) {
      generatedPassword = generated;
      print(
        `First run: created the admin account. Sign in with email ${email} and password ${generatedPassword}`,
      );
      print(
        '(This password is shown once; set ORRERY_ADMIN_EMAIL / ORRERY_ADMIN_PASSWORD before the first run to choose your own.)',
      );
    } else if (made) {
      print(`First run: created the admin account ${email} with the password from ORRERY_ADMIN_PASSWORD.`);
    }
  }
  const adminUser = await s.accounts.firstAdmin(org.id);
  if (!adminUser) throw new Error(`The organisation ${org.name} has no admin; the database is damaged.`);
  await seedBuiltIns(s.catalog, adminUser);
  return { orgId: org.id, admin: adminUser, generatedPassword };
}
