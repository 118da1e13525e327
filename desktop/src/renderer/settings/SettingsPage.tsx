// Settings: a list of sections beside the open one (a row of tabs on a
// phone). Each section is fetched when opened; the link says which is open
// (#/settings/<section>[/<item>]), so Back and deep links work.
import { useEffect, useRef, useState, type ComponentType } from 'react';
import { settingsHref } from '../app/router.js';
import { SECTIONS, type SectionProps, type SettingsSectionId } from './sections.js';

const loaded = new Map<SettingsSectionId, ComponentType<SectionProps>>();

export function SettingsPage({ section, item }: { section: SettingsSectionId; item: string | null }) {
  const info = SECTIONS.find((s) => s.id === section)!;
  const [, rerender] = useState(0);
  const [failed, setFailed] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const Section = loaded.get(section);

  useEffect(() => {
    if (loaded.has(section)) return;
    let cancelled = false;
    setFailed(null);
    info.load().then(
      (component) => {
        loaded.set(section, component);
        if (!cancelled) rerender((n) => n + 1);
      },
      () => !cancelled && setFailed(`${info.label} could not be loaded. Check the connection and try again.`),
    );
    return () => {
      cancelled = true;
    };
  }, [section, info]);

  return (
    <div className="settings-page">
      <nav className="settings-nav" aria-label="Settings sections">
        <h1 ref={heading} className="settings-title">
          Settings
        </h1>
        <ul>
          {SECTIONS.map((s) => (
            <li key={s.id}>
              <a
                href={settingsHref(s.id)}
                className={`settings-nav-item${s.id === section ? ' active' : ''}`}
                aria-current={s.id === section ? 'page' : undefined}
              >
                {s.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <div className="settings-content">
        {failed ? (
          <div className="inline-error" role="alert">
            <p>{failed}</p>
          </div>
        ) : Section ? (
          <Section item={item} />
        ) : (
          <div className="page-loading" aria-busy="true" />
        )}
      </div>
    </div>
  );
}
