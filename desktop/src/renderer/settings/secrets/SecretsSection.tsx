// Settings → Secrets: the secrets page, which is itself a section of Settings
// (its h2 under the Settings h1, the section layout of settings.css), then the
// repository credentials the runner clones with.
import { RepositoryCredentialsSection } from '../../secrets/RepositoryCredentialsSection.js';
import { SecretsPage } from '../../secrets/SecretsPage.js';
import type { SectionProps } from '../sections.js';

export function SecretsSection(_props: SectionProps) {
  return (
    <>
      <SecretsPage />
      <div className="settings-section repository-credentials">
        <RepositoryCredentialsSection />
      </div>
    </>
  );
}
