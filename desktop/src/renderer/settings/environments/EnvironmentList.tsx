// The Environments this person may use: name, image, how many repositories,
// who can use it and who made it. Each opens in the editor.
import type { Environment, Teammate } from '@orrery/shared';
import { settingsHref } from '../../app/router.js';
import { useServices } from '../../app/services-context.js';

export function EnvironmentList({
  environments,
  people,
}: {
  environments: Environment[];
  people: Teammate[];
}) {
  const { account } = useServices();
  if (!environments.length)
    return (
      <p className="empty-hint env-empty">
        No Environments yet. <a href={settingsHref('environments', 'new')}>Create one</a> from an image and
        your repositories.
      </p>
    );
  const ownerName = (id: string) =>
    id === account.user.id ? 'you' : (people.find((p) => p.id === id)?.name ?? 'a teammate');
  return (
    <ul className="env-list" aria-label="Environments">
      {environments.map((env) => {
        const repos = env.repositories.length;
        return (
          <li key={env.id} className="env-list-row" aria-label={env.name}>
            <div className="env-list-main">
              <a className="env-list-name" href={settingsHref('environments', env.id)}>
                {env.name}
              </a>
              <span className={`scope-badge${env.scope === 'personal' ? ' private' : ''}`}>
                {env.scope === 'personal' ? 'Personal' : 'Organisation'}
              </span>
            </div>
            <p className="env-list-meta">
              <code>{env.image}</code> ·{' '}
              {repos === 0 ? 'no repositories' : repos === 1 ? '1 repository' : `${repos} repositories`} ·
              made by {ownerName(env.ownerId)}
            </p>
          </li>
        );
      })}
    </ul>
  );
}
