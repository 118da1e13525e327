// Settings → Secrets: the Secrets page, inside Settings.
import { SecretsPage } from '../../secrets/SecretsPage.js';
import type { SectionProps } from '../sections.js';

export function SecretsSection(_props: SectionProps) {
  return <SecretsPage />;
}
