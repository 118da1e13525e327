import { afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { render } from 'vitest-browser-react';
import { MemoryPlatform } from '../../platform/testing/memory-platform.js';
import '../styles.css';
import { AcceptForm } from './AcceptInvitation.js';
import { App } from './App.js';

afterEach(() => {
  history.replaceState(null, '', '#/');
});

const invitation = {
  organisation: { name: 'Analytical Engines' },
  email: 'grace@example.com',
  role: 'member' as const,
  expiresAt: Date.now() + 86_400_000,
};

describe('an invitation link opened while signed out', () => {
  it('shows the invitation instead of the sign-in form, and says plainly when the server cannot be asked', async () => {
    history.replaceState(null, '', '#/invite/tok_abc-123');
    // Nothing listens on this address.
    await render(<App platform={new MemoryPlatform()} defaultServerUrl="http://127.0.0.1:9" />);
    await expect.element(page.getByRole('heading', { name: 'This invitation cannot be used' })).toBeVisible();
    await expect.element(page.getByRole('alert')).toHaveTextContent(/Cannot reach the server/);
    expect(page.getByRole('heading', { name: 'Sign in to Orrery' }).elements()).toHaveLength(0);

    await userEvent.click(page.getByRole('button', { name: 'Go to sign-in' }));
    await expect.element(page.getByRole('heading', { name: 'Sign in to Orrery' })).toBeVisible();
    expect(location.hash).toBe('#/');
  });
});

describe('the accept form', () => {
  it('names the organisation and the email, and checks name and passwords before sending', async () => {
    const accepted: [string, string][] = [];
    await render(
      <AcceptForm
        token="tok_abc-123"
        invitation={invitation}
        onAccept={async (name, password) => {
          accepted.push([name, password]);
        }}
        onSignInInstead={() => {}}
      />,
    );
    await expect.element(page.getByRole('heading', { name: 'Join Analytical Engines' })).toBeVisible();
    await expect
      .element(
        page.getByText('You were invited to Analytical Engines on Orrery as a member.', { exact: false }),
      )
      .toBeVisible();
    const email = page.getByRole('textbox', { name: 'Email' });
    await expect.element(email).toHaveValue('grace@example.com');
    await expect.element(email).toHaveAttribute('readonly');

    const name = page.getByRole('textbox', { name: 'Your name' });
    const password = page.getByLabelText('Password', { exact: true });
    const again = page.getByLabelText('Password again');
    const join = page.getByRole('button', { name: 'Join Analytical Engines' });

    await userEvent.fill(password, 'short');
    await userEvent.click(join);
    await expect.element(name).toHaveAccessibleDescription('Is required');
    await expect
      .element(password)
      .toHaveAccessibleDescription('At least 10 characters. Must be at least 10 characters');
    await expect.element(name).toHaveFocus();

    await userEvent.fill(name, '  Grace Hopper ');
    await userEvent.fill(password, 'a long enough password');
    await userEvent.fill(again, 'a long enough passwort');
    await userEvent.click(join);
    await expect.element(again).toHaveAccessibleDescription('The two passwords are not the same.');
    await expect.element(again).toHaveFocus();
    expect(accepted).toEqual([]);

    await userEvent.fill(again, 'a long enough password');
    await userEvent.click(join);
    expect(accepted).toEqual([['Grace Hopper', 'a long enough password']]);
  });
});
