// What someone has typed into the new-trigger form, kept per Expert for the
// life of the window, so leaving Settings or a failed save loses nothing.
export interface TriggerDraft {
  kind: 'webhook' | 'schedule';
  name: string;
  autoArchive: boolean;
  filterPath: string;
  filterEquals: string;
  cron: string;
  timezone: string;
  prompt: string;
}

const drafts = new Map<string, TriggerDraft>();

export function viewerTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

export function emptyDraft(): TriggerDraft {
  return {
    kind: 'webhook',
    name: '',
    autoArchive: true,
    filterPath: '',
    filterEquals: '',
    cron: '0 9 * * 1-5',
    timezone: viewerTimeZone(),
    prompt: '',
  };
}

export function draftFor(expertId: string): TriggerDraft {
  return drafts.get(expertId) ?? emptyDraft();
}

export function keepDraft(expertId: string, draft: TriggerDraft | null): void {
  if (draft) drafts.set(expertId, draft);
  else drafts.delete(expertId);
}

/** A filter's "equals" as typed: JSON for numbers, true, false, null and "quoted" text; else the text. */
export function filterValue(text: string): string | number | boolean | null {
  const trimmed = text.trim();
  try {
    const parsed: unknown = JSON.parse(trimmed);
    if (parsed === null || ['string', 'number', 'boolean'].includes(typeof parsed))
      return parsed as string | number | boolean | null;
  } catch {
    // Plain text: the value is the text itself.
  }
  return text;
}

/** How a filter value is shown in its field again (the reverse of filterValue). */
export function filterText(value: string | number | boolean | null): string {
  if (typeof value !== 'string') return JSON.stringify(value);
  return filterValue(value) === value ? value : JSON.stringify(value);
}
