// The sections of Settings, in the order the sidebar of Settings lists them.
// Each is its own chunk, fetched when someone opens it.
import type { ComponentType } from 'react';

export interface SectionProps {
  /** What follows the section in the link (#/settings/experts/<item>): an id, "new", or null. */
  item: string | null;
}

export const SECTION_IDS = [
  'experts',
  'environments',
  'teammates',
  'triggers',
  'integrations',
  'models',
  'secrets',
  'account',
] as const;
export type SettingsSectionId = (typeof SECTION_IDS)[number];

export interface SectionInfo {
  id: SettingsSectionId;
  label: string;
  load: () => Promise<ComponentType<SectionProps>>;
}

export const SECTIONS: readonly SectionInfo[] = [
  {
    id: 'experts',
    label: 'Experts',
    load: () => import('./experts/ExpertsSection.js').then((m) => m.ExpertsSection),
  },
  {
    id: 'environments',
    label: 'Environments',
    load: () => import('./environments/EnvironmentsSection.js').then((m) => m.EnvironmentsSection),
  },
  {
    id: 'teammates',
    label: 'Teammates',
    load: () => import('./teammates/TeammatesSection.js').then((m) => m.TeammatesSection),
  },
  {
    id: 'triggers',
    label: 'Triggers',
    load: () => import('./triggers/TriggersSection.js').then((m) => m.TriggersSection),
  },
  {
    id: 'integrations',
    label: 'Integrations',
    load: () => import('./integrations/IntegrationsSection.js').then((m) => m.IntegrationsSection),
  },
  {
    id: 'models',
    label: 'Model providers',
    load: () => import('./models/ModelProvidersSection.js').then((m) => m.ModelProvidersSection),
  },
  {
    id: 'secrets',
    label: 'Secrets',
    load: () => import('./secrets/SecretsSection.js').then((m) => m.SecretsSection),
  },
  {
    id: 'account',
    label: 'Account',
    load: () => import('./account/AccountSection.js').then((m) => m.AccountSection),
  },
];

export function isSectionId(value: string): value is SettingsSectionId {
  return (SECTION_IDS as readonly string[]).includes(value);
}
