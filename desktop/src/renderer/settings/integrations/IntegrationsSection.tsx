// Settings → Integrations. Nothing can be connected yet: the section says
// what it will hold (Slack first), who may connect it, and where to read
// more, instead of standing empty.
import { useServices } from '../../app/services-context.js';
import type { SectionProps } from '../sections.js';

/** The product documentation's page on working with sessions, which covers Slack. */
export const SESSIONS_DOCS_URL = 'https://docs.augmentcode.com/cosmos/getting-started';

export function IntegrationsSection(_props: SectionProps) {
  const { account } = useServices();
  const isAdmin = account.user.role === 'admin';
  return (
    <section className="settings-section" aria-labelledby="settings-section-heading">
      <h2 id="settings-section-heading">Integrations</h2>
      <p className="muted">
        Integrations connect {account.organisation.name} to the tools your team already works in. None is
        connected yet.
      </p>
      <article className="integration-card" aria-labelledby="integration-slack">
        <h3 id="integration-slack">Slack</h3>
        <p>
          Work with a session from Slack, once an admin has connected Slack here and the Expert you’re using
          supports it. Slack will also be a trigger on an Expert (a message starts a session) and a tool an
          Expert can use, all through one Slack bot for the organisation.
        </p>
        <p>
          {isAdmin
            ? 'As an admin, you will connect Slack here. Connecting is not available in this version yet.'
            : 'Only admins can connect Slack. Connecting is not available in this version yet.'}
        </p>
        <p>
          <a href={SESSIONS_DOCS_URL} target="_blank" rel="noreferrer">
            Read how Sessions, Experts and integrations fit together
          </a>{' '}
          in the product documentation.
        </p>
      </article>
    </section>
  );
}
