// Settings → Model providers. (Being built: replaced by the section itself.)
import type { SectionProps } from '../sections.js';

export function ModelProvidersSection(_props: SectionProps) {
  return (
    <section className="settings-section" aria-labelledby="settings-section-heading">
      <h2 id="settings-section-heading">Model providers</h2>
    </section>
  );
}
