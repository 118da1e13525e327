import type { TranscriptEntry } from '@orrery/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { render } from 'vitest-browser-react';
import '../styles.css';
import type { ReadingPlace } from './reading-place.js';
import { Transcript } from './Transcript.js';

// Rows of different heights (one line, a code block, a long paragraph), so the
// list settles to measured heights that differ from its estimates, as in a real session.
function conversation(count: number, from = 0): TranscriptEntry[] {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    if (i % 2 === 0)
      return {
        kind: 'user',
        id: `u${i}`,
        createdAt: i,
        turnId: null,
        authorId: 'me',
        text: `Question ${i}`,
        attachments: [],
      };
    const body =
      i % 3
        ? `Answer ${i}:\n\n\`\`\`ts\nconst a = ${i};\nconst b = a * 2;\n\`\`\`\n`
        : `Answer ${i}. ${'word '.repeat(120)}`;
    return { kind: 'agent', id: `a${i}`, createdAt: i, turnId: null, text: body, done: true };
  });
}

function TranscriptBox({
  entries,
  place = null,
  onPlace,
}: {
  entries: TranscriptEntry[];
  place?: ReadingPlace | null;
  onPlace?: (place: ReadingPlace | null) => void;
}) {
  return (
    <div style={{ width: 900, height: 500, display: 'flex', flexDirection: 'column' }}>
      <Transcript
        sessionId="s"
        entries={entries}
        queue={[]}
        nameOf={() => 'You'}
        agentName="Agent"
        emptyText="No messages yet."
        turnRunning={false}
        place={place}
        onPlace={onPlace}
      />
    </div>
  );
}

const log = () => document.querySelector<HTMLElement>('.transcript')!;
const distanceFromBottom = () => {
  const el = log();
  return el.scrollHeight - el.scrollTop - el.clientHeight;
};
/** Whether the row showing `text` is entirely inside the visible part of the conversation. */
function fullyVisible(text: string): boolean {
  const row = [...document.querySelectorAll('.transcript-row')].find((r) => r.textContent?.includes(text));
  if (!row) return false;
  const box = log().getBoundingClientRect();
  const r = row.getBoundingClientRect();
  return r.top >= box.top - 1 && r.bottom <= box.bottom + 1;
}
/** The first row whose top is in view, and where it is. */
function firstRowInView(): { text: string; top: number } {
  const box = log().getBoundingClientRect();
  const rows = [...document.querySelectorAll('.transcript-row')].map((r) => ({
    text: r.textContent ?? '',
    top: r.getBoundingClientRect().top - box.top,
  }));
  return rows.filter((r) => r.top >= 0).sort((a, b) => a.top - b.top)[0]!;
}
const settle = () => new Promise((r) => setTimeout(r, 300));

let unmount: (() => Promise<void>) | null = null;
afterEach(async () => {
  await unmount?.();
  unmount = null;
});

describe('Transcript', () => {
  it('opens a 2,000-entry conversation with its newest entry entirely in view, once rows have their real heights', async () => {
    const entries = conversation(2_000);
    const screen = await render(<TranscriptBox entries={entries} />);
    unmount = () => screen.unmount();
    await expect.poll(() => fullyVisible('Answer 1999')).toBe(true);
    await settle();
    expect(distanceFromBottom()).toBeLessThan(2);
    expect(fullyVisible('Answer 1999')).toBe(true);
    // Only what is on screen is in the page.
    expect(document.querySelectorAll('.transcript-row').length).toBeLessThan(40);
  });

  it('stays at the newest entry when the cached end of the conversation is replaced by all of it', async () => {
    const all = conversation(2_000);
    const screen = await render(<TranscriptBox entries={all.slice(-40)} />);
    unmount = () => screen.unmount();
    await expect.poll(() => fullyVisible('Answer 1999')).toBe(true);
    await settle();
    await screen.rerender(<TranscriptBox entries={all} />);
    await settle();
    expect(fullyVisible('Answer 1999')).toBe(true);
    expect(distanceFromBottom()).toBeLessThan(2);
  });

  it('follows new entries at the bottom, stays where the reader scrolled up, and follows again back at the bottom', async () => {
    let entries = conversation(300);
    const screen = await render(<TranscriptBox entries={entries} />);
    unmount = () => screen.unmount();
    await expect.poll(() => fullyVisible('Answer 299')).toBe(true);

    entries = [...entries, ...conversation(2, 300)];
    await screen.rerender(<TranscriptBox entries={entries} />);
    await expect.poll(() => fullyVisible('Answer 301')).toBe(true);
    await settle();
    expect(distanceFromBottom()).toBeLessThan(2);

    // The reader scrolls up with the wheel to read something older.
    log().dispatchEvent(new WheelEvent('wheel', { deltaY: -1500, bubbles: true }));
    log().scrollTop -= 1_500;
    await settle();
    const reading = firstRowInView();
    entries = [...entries, ...conversation(2, 302)];
    await screen.rerender(<TranscriptBox entries={entries} />);
    await settle();
    // What they were reading has not moved.
    const now = firstRowInView();
    expect(now.text).toBe(reading.text);
    expect(Math.abs(now.top - reading.top)).toBeLessThan(2);
    expect(fullyVisible('Answer 303')).toBe(false);

    // Back at the bottom, new entries are followed again.
    log().scrollTop = log().scrollHeight;
    await settle();
    entries = [...entries, ...conversation(2, 304)];
    await screen.rerender(<TranscriptBox entries={entries} />);
    await expect.poll(() => fullyVisible('Answer 305')).toBe(true);
  });

  it('tells where the reader left off, and opens there next time, even when that entry arrives later', async () => {
    const entries = conversation(2_000);
    const places: (ReadingPlace | null)[] = [];
    let screen = await render(<TranscriptBox entries={entries} onPlace={(p) => places.push(p)} />);
    await expect.poll(() => fullyVisible('Answer 1999')).toBe(true);
    log().dispatchEvent(new WheelEvent('wheel', { deltaY: -3000, bubbles: true }));
    log().scrollTop -= 3_000;
    await settle();
    const reading = firstRowInView();
    await screen.unmount();
    const left = places.at(-1);
    expect(left?.entryId).toMatch(/^[ua]\d+$/);

    // Opened again with the cached end of the conversation first, then all of it.
    screen = await render(<TranscriptBox entries={entries.slice(-40)} place={left} />);
    unmount = () => screen.unmount();
    await settle();
    await screen.rerender(<TranscriptBox entries={entries} place={left} />);
    await expect.poll(() => firstRowInView().text).toBe(reading.text);
    expect(Math.abs(firstRowInView().top - reading.top)).toBeLessThan(2);

    // Back at the newest entry, there is no place to return to.
    const now: (ReadingPlace | null)[] = [];
    await screen.rerender(<TranscriptBox entries={entries} place={left} onPlace={(p) => now.push(p)} />);
    log().scrollTop = log().scrollHeight;
    await expect.poll(() => now.at(-1), { timeout: 3_000 }).toBeNull();
    expect(now.length).toBeGreaterThan(0);
  });

  it('returns to a place inside the cached end, also when the whole conversation arrives a while later', async () => {
    const entries = conversation(2_000);
    const places: (ReadingPlace | null)[] = [];
    let screen = await render(<TranscriptBox entries={entries} onPlace={(p) => places.push(p)} />);
    await expect.poll(() => fullyVisible('Answer 1999')).toBe(true);
    log().dispatchEvent(new WheelEvent('wheel', { deltaY: -1200, bubbles: true }));
    log().scrollTop -= 1_200;
    await settle();
    const reading = firstRowInView();
    await screen.unmount();
    const left = places.at(-1)!;
    const tail = entries.slice(-40);
    expect(tail.some((e) => e.id === left.entryId)).toBe(true);

    screen = await render(<TranscriptBox entries={tail} place={left} />);
    unmount = () => screen.unmount();
    await expect.poll(() => firstRowInView().text).toBe(reading.text);
    // Longer than rows take to settle, as when the document is slow to load.
    await new Promise((r) => setTimeout(r, 800));
    await screen.rerender(<TranscriptBox entries={entries} place={left} />);
    await settle();
    expect(firstRowInView().text).toBe(reading.text);
    expect(Math.abs(firstRowInView().top - reading.top)).toBeLessThan(2);
  });

  it('returns to a place read after the conversation is shown, unless the reader scrolled first', async () => {
    const entries = conversation(2_000);
    const places: (ReadingPlace | null)[] = [];
    let screen = await render(<TranscriptBox entries={entries} onPlace={(p) => places.push(p)} />);
    await expect.poll(() => fullyVisible('Answer 1999')).toBe(true);
    log().dispatchEvent(new WheelEvent('wheel', { deltaY: -2000, bubbles: true }));
    log().scrollTop -= 2_000;
    await settle();
    const reading = firstRowInView();
    await screen.unmount();
    const left = places.at(-1)!;

    // The document loaded before the place was read: it opens at the newest entry, then returns.
    screen = await render(<TranscriptBox entries={entries} />);
    await expect.poll(() => fullyVisible('Answer 1999')).toBe(true);
    await screen.rerender(<TranscriptBox entries={entries} place={left} />);
    await expect.poll(() => firstRowInView().text).toBe(reading.text);
    await screen.unmount();

    // The reader already scrolled somewhere: a late place does not take them away.
    screen = await render(<TranscriptBox entries={entries} />);
    unmount = () => screen.unmount();
    await expect.poll(() => fullyVisible('Answer 1999')).toBe(true);
    log().dispatchEvent(new WheelEvent('wheel', { deltaY: -500, bubbles: true }));
    log().scrollTop -= 500;
    await settle();
    const own = firstRowInView();
    await screen.rerender(<TranscriptBox entries={entries} place={left} />);
    await settle();
    expect(firstRowInView().text).toBe(own.text);
  });
});
