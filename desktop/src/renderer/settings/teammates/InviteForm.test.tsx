import { ApiError, INVITATION_TTL_MS, type CreatedInvitationResponse, type Role } from '@orrery/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { createTestServices, renderWithServices, testAccount } from '../../testing/test-services.js';
import { teammateDrafts } from './drafts.js';
import { InvitationLink, InviteForm } from './InviteForm.js';

let stop: (() => Promise<void>) | null = null;
afterEach(async () => {
  await stop?.();
  stop = null;
  Object.assign(teammateDrafts, {
    inviteEmail: '',
    inviteRole: 'member',
    organisationName: null,
    lastLink: null,
  });
});

function created(email: string, role: Role): CreatedInvitationResponse {
  const now = Date.now();
  return {
    token: 'tok_abc-123',
    invitation: {
      id: 'inv1',
      email,
      role,
      status: 'pending',
      invitedBy: 'Ada Lovelace',
      createdAt: now,
      expiresAt: now + INVITATION_TTL_MS,
      acceptedAt: null,
    },
  };
}

async function renderForm(onInvite: (email: string, role: Role) => Promise<CreatedInvitationResponse>) {
  const services = await createTestServices({ account: testAccount({ role: 'admin' }) });
  stop = () => services.stop();
  return renderWithServices(
    <InviteForm
      serverUrl="http://orrery.test:8787"
      organisationName="Analytical Engines"
      onInvite={onInvite}
    />,
    services,
  );
}

describe('the invite form', () => {
  it('checks the email with the server’s schema next to the field, and sends nothing until it is one', async () => {
    const sent: string[] = [];
    await renderForm(async (email, role) => {
      sent.push(email);
      return created(email, role);
    });
    const email = page.getByRole('textbox', { name: 'Email' });
    await userEvent.fill(email, 'grace at example');
    await userEvent.click(page.getByRole('button', { name: 'Invite' }));
    await expect.element(email).toHaveAccessibleDescription('Must be an email address');
    await expect.element(email).toHaveAttribute('aria-invalid', 'true');
    await expect.element(email).toHaveFocus();
    expect(sent).toEqual([]);

    // Fixing it clears the message; the role chosen goes with it.
    await userEvent.fill(email, '  Grace@Example.com ');
    await expect.element(email).not.toHaveAttribute('aria-invalid');
    await userEvent.selectOptions(page.getByRole('combobox', { name: 'Role' }), 'admin');
    await userEvent.click(page.getByRole('button', { name: 'Invite' }));
    // The browser trims an email box; the server lowers its case.
    expect(sent).toEqual(['Grace@Example.com']);
    const link = page.getByRole('textbox', { name: 'Invitation link' });
    await expect.element(link).toHaveValue('http://orrery.test:8787/#/invite/tok_abc-123');
    await expect.element(email).toHaveValue('');
  });

  it('shows why the server refused, next to the email', async () => {
    const message = 'Analytical Engines already has a member with this email.';
    await renderForm(() =>
      Promise.reject(
        new ApiError('conflict', 'grace@example.com is already a member of Analytical Engines.', 409, {
          email: message,
        }),
      ),
    );
    await userEvent.fill(page.getByRole('textbox', { name: 'Email' }), 'grace@example.com');
    await userEvent.click(page.getByRole('button', { name: 'Invite' }));
    await expect.element(page.getByRole('textbox', { name: 'Email' })).toHaveAccessibleDescription(message);
    // What was typed stays, to be corrected.
    await expect.element(page.getByRole('textbox', { name: 'Email' })).toHaveValue('grace@example.com');
  });

  it('keeps what was typed when the section is left and opened again', async () => {
    const screen = await renderForm((email, role) => Promise.resolve(created(email, role)));
    await userEvent.fill(page.getByRole('textbox', { name: 'Email' }), 'half.typed@exa');
    await userEvent.selectOptions(page.getByRole('combobox', { name: 'Role' }), 'admin');
    await screen.unmount();
    await renderForm((email, role) => Promise.resolve(created(email, role)));
    await expect.element(page.getByRole('textbox', { name: 'Email' })).toHaveValue('half.typed@exa');
    await expect.element(page.getByRole('combobox', { name: 'Role' })).toHaveValue('admin');
  });
});

describe('the one-time link', () => {
  it('says who it is for, as what, until when, and copies or selects it', async () => {
    const services = await createTestServices({ account: testAccount({ role: 'admin' }) });
    stop = () => services.stop();
    const made = created('grace@example.com', 'member');
    await renderWithServices(
      <InvitationLink
        link="http://orrery.test:8787/#/invite/tok_abc-123"
        created={made}
        organisationName="Analytical Engines"
        onDismiss={() => {}}
      />,
      services,
    );
    const region = page.getByRole('region', { name: 'Invitation link for grace@example.com' });
    await expect
      .element(region)
      .toHaveTextContent(
        `Send this link to grace@example.com. It lets them join Analytical Engines as a member, once, until ${new Date(made.invitation.expiresAt).toLocaleString()}.`,
      );
    await userEvent.click(page.getByRole('button', { name: 'Copy link' }));
    await expect.element(region.getByRole('status')).toHaveTextContent(/^(Copied|Selected)/);
  });
});
