// Settings → Account: the signed-in person's name, password, sign-ins
// (devices) and the app's theme on this device.
import { useState } from 'react';
import { useServices } from '../../app/services-context.js';
import type { SectionProps } from '../sections.js';
import { NameForm } from './NameForm.js';
import { PasswordForm } from './PasswordForm.js';
import { SignIns } from './SignIns.js';
import { ThemePicker } from './ThemePicker.js';

export function AccountSection(_props: SectionProps) {
  const { account } = useServices();
  // A changed password ends the other sign-ins: the list reloads to show it.
  const [signInsVersion, setSignInsVersion] = useState(0);
  const role = account.user.role === 'admin' ? 'Admin' : 'Member';
  return (
    <section className="settings-section account-section" aria-labelledby="settings-section-heading">
      <h2 id="settings-section-heading">Account</h2>
      <p className="managed-note">
        {account.user.email} · {role} of {account.organisation.name}
      </p>
      <NameForm />
      <PasswordForm onChanged={() => setSignInsVersion((n) => n + 1)} />
      <SignIns version={signInsVersion} />
      <ThemePicker />
    </section>
  );
}
