// The slash commands of a session, for its owner. Each acts through the same
// routes and document accessors as the buttons and menus do.
import type { EnvironmentState, QueuedMessage, SessionDoc, SessionListItem, Turn } from '@orrery/shared';
import { describeError } from '../api/api-error.js';
import { navigate } from '../app/router.js';
import { useServices } from '../app/services-context.js';
import { environmentLabel } from '../session/environment-status.js';
import { useUi } from '../state/store.js';
import { usePins } from '../sync/use-user-doc.js';
import type { SlashCommand } from './slash-commands.js';

export interface SessionCommandContext {
  session: SessionListItem;
  sessionDoc: SessionDoc | null;
  turn: Turn;
  queue: QueuedMessage[];
  environment: EnvironmentState;
}

export function useSessionCommands(ctx: SessionCommandContext): SlashCommand[] {
  const { api, sessionList, userDoc } = useServices();
  const setShareOpen = useUi((s) => s.setShareOpen);
  const setShortcutsOpen = useUi((s) => s.setShortcutsOpen);
  const pinned = usePins().some((p) => p.sessionId === ctx.session.id);
  const { session, sessionDoc, turn, queue, environment } = ctx;

  const visibility = async (next: 'shared' | 'private') => {
    try {
      sessionList.upsert((await api.setVisibility(session.id, next)).session);
      return next === 'private'
        ? 'This session is now private: only you can open it.'
        : 'This session is now shared with your organisation.';
    } catch (error) {
      return `Visibility not changed: ${describeError(error)}`;
    }
  };

  const environmentAction = async (action: 'pause' | 'restart') => {
    if (!session.environmentId) return 'This session has no Environment.';
    try {
      await api.environmentAction(session.id, action);
      return action === 'pause'
        ? 'Pausing the Environment; the status above shows when it is paused.'
        : 'Restarting the Environment; the status above shows its progress.';
    } catch (error) {
      return `The Environment was not ${action === 'pause' ? 'paused' : 'restarted'}: ${describeError(error)}`;
    }
  };

  return [
    { name: 'new', description: 'Start a new session from Home', run: () => navigate({ name: 'home' }) },
    {
      name: 'archive',
      description: session.archived ? 'Unarchive this session' : 'Archive this session',
      run: async () => {
        try {
          const res = session.archived ? await api.unarchive(session.id) : await api.archive(session.id);
          sessionList.upsert(res.session);
          return res.session.archived ? 'Archived.' : 'Unarchived.';
        } catch (error) {
          return `Not archived: ${describeError(error)}`;
        }
      },
    },
    {
      name: 'pin',
      description: pinned ? 'Unpin this session from the sidebar' : 'Pin this session to the sidebar',
      run: () => {
        if (pinned) userDoc.unpin(session.id);
        else userDoc.pin(session.id);
        return pinned ? 'Unpinned.' : 'Pinned to the top of the sidebar.';
      },
    },
    { name: 'share', description: 'Share with teammates or copy a link', run: () => setShareOpen(true) },
    { name: 'private', description: 'Make this session private', run: () => visibility('private') },
    {
      name: 'shared',
      description: 'Share this session with your organisation',
      run: () => visibility('shared'),
    },
    {
      name: 'env',
      description: 'Environment status',
      run: () =>
        `Environment: ${environmentLabel(environment.status)}.${environment.detail ? ` ${environment.detail}` : ''} ` +
        'It pauses by itself after a period of inactivity and restarts automatically when you send a message.',
    },
    {
      name: 'env-pause',
      description: 'Pause the Environment now (it starts again with your next message)',
      run: () => environmentAction('pause'),
    },
    {
      name: 'env-restart',
      description: 'Restart the Environment (uncommitted files in the workspace are kept)',
      run: () => environmentAction('restart'),
    },
    {
      name: 'stop',
      description: 'Stop the running turn',
      run: () => {
        if (turn.state !== 'running' || !sessionDoc) return 'No turn is running.';
        sessionDoc.requestStop();
        return 'Stopping the current turn…';
      },
    },
    {
      name: 'clear-queue',
      description: 'Remove every queued message',
      run: () => {
        const n = queue.length;
        if (!n || !sessionDoc) return 'No message is queued.';
        sessionDoc.clearQueue();
        return `Removed ${n} queued message${n === 1 ? '' : 's'}.`;
      },
    },
    { name: 'help', description: 'Keyboard shortcuts and commands', run: () => setShortcutsOpen(true) },
  ];
}
