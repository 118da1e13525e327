// The conversation, virtualised: only what is on screen is rendered, so a
// session with thousands of messages opens and scrolls smoothly. Stays pinned
// to the newest entry while the reader is at the bottom.
import type { QueuedMessage, TranscriptEntry } from '@orrery/shared';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useFollowNewest } from './follow-newest.js';
import { useReadingPlace, type ReadingPlace } from './reading-place.js';
import { AgentMessageView, NoticeView, ToolCallView, UserMessageView, sourceLabel } from './EntryViews.js';
import { EnvironmentProposalView } from './EnvironmentProposalView.js';
import { PullRequestCard } from './ship/PullRequestViews.js';
import { RestoreEntryView, RestoreTurnButton } from './ship/RestoreTurn.js';

/** First guesses of a row's height, before it is measured. */
const ESTIMATED_HEIGHT: Partial<Record<TranscriptEntry['kind'], number>> = {
  tool: 160,
  environment_proposal: 320,
  pull_request: 96,
  restore: 56,
};

export interface TranscriptProps {
  sessionId: string;
  entries: TranscriptEntry[];
  queue: QueuedMessage[];
  nameOf: (authorId: string) => string;
  /** The Expert's name, shown on the agent's messages. */
  agentName: string;
  /** Shown while nothing has been said yet. */
  emptyText: string;
  /** Whether a turn is running, which decides how queued messages are described. */
  turnRunning: boolean;
  /** Where the reader was last time; the newest entry when null. */
  place?: ReadingPlace | null;
  /** Told where the reader is when they stop scrolling and when the conversation closes. */
  onPlace?: (place: ReadingPlace | null) => void;
  /** Whether the reader owns the session, and so may act on what the agent proposes. */
  isOwner?: boolean;
}

export function Transcript({
  sessionId,
  entries,
  queue,
  nameOf,
  emptyText,
  turnRunning,
  agentName,
  place = null,
  onPlace,
  isOwner = false,
}: TranscriptProps) {
  const scrollRef = useRef<HTMLDivElement | null>(null);
  const { following, readerScrolledAt } = useFollowNewest(scrollRef);
  // Start scrolled to the end, before the virtualiser first reads the position,
  // so the oldest entries are never rendered just to be scrolled away.
  const attachScroller = useCallback(
    (el: HTMLDivElement | null) => {
      scrollRef.current = el;
      if (el && following.current) el.scrollTop = el.scrollHeight;
    },
    [following],
  );
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const toggle = useCallback(
    (id: string) =>
      setCollapsed((prev) => {
        const next = new Set(prev);
        if (!next.delete(id)) next.add(id);
        return next;
      }),
    [],
  );

  const virtualizer = useVirtualizer({
    count: entries.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => ESTIMATED_HEIGHT[entries[i]?.kind ?? 'user'] ?? 72,
    getItemKey: (i) => entries[i]?.id ?? i,
    overscan: 3,
    // Open at the bottom: the first render already shows the newest entries, not the oldest.
    initialOffset: () => Number.MAX_SAFE_INTEGER / 2,
  });

  useReadingPlace({ virtualizer, entries, scrollRef, following, readerScrolledAt, place, onPlace });

  useEffect(() => {
    performance.mark(`orrery:transcript-mounted:${sessionId}`);
  }, [sessionId]);

  return (
    <div ref={attachScroller} className="transcript" aria-label="Conversation" role="log">
      {!entries.length && !queue.length && <p className="empty-hint">{emptyText}</p>}
      <div className="transcript-inner" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((row) => {
          const entry = entries[row.index]!;
          return (
            <div
              key={row.key}
              data-index={row.index}
              ref={virtualizer.measureElement}
              className="transcript-row"
              style={{
                position: 'absolute',
                top: 0,
                left: 0,
                right: 0,
                transform: `translateY(${row.start}px)`,
              }}
            >
              {entry.kind === 'user' && (
                <UserMessageView entry={entry} sessionId={sessionId} authorName={nameOf(entry.authorId)} />
              )}
              {entry.kind === 'user' && <RestoreTurnButton turnId={entry.turnId} />}
              {entry.kind === 'agent' && <AgentMessageView entry={entry} agentName={agentName} />}
              {entry.kind === 'tool' && (
                <ToolCallView entry={entry} collapsed={collapsed.has(entry.id)} onToggle={toggle} />
              )}
              {entry.kind === 'notice' && <NoticeView entry={entry} />}
              {entry.kind === 'environment_proposal' && (
                <EnvironmentProposalView entry={entry} canAct={isOwner} />
              )}
              {entry.kind === 'pull_request' && <PullRequestCard entry={entry} />}
              {entry.kind === 'restore' && <RestoreEntryView entry={entry} />}
            </div>
          );
        })}
      </div>
      {queue.length > 0 && (
        <ol className="queue" aria-label="Queued messages">
          {queue.map((q) => (
            <li key={q.id} className="entry user-message queued">
              <div className="entry-author">
                {q.source ? sourceLabel(q.source) : nameOf(q.authorId)} ·{' '}
                <span className="muted">
                  {turnRunning
                    ? 'Queued — sent when the current turn finishes'
                    : 'Waiting for the agent to pick it up'}
                </span>
              </div>
              <div className="user-text">{q.text}</div>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
