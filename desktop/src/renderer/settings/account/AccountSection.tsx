// Settings → Account. (Being built: replaced by the section itself.)
import type { SectionProps } from '../sections.js';

export function AccountSection(_props: SectionProps) {
  return (
    <section className="settings-section" aria-labelledby="settings-section-heading">
      <h2 id="settings-section-heading">Account</h2>
    </section>
  );
}
