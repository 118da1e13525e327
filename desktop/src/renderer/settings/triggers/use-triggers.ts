// One Expert's triggers as the server lists them (an admin sees all, a member
// the ones they made), with the changes the section makes kept in step.
import type { Trigger } from '@orrery/shared';
import { useCallback, useEffect, useState } from 'react';
import { describeError } from '../../api/api-error.js';
import { useServices } from '../../app/services-context.js';

export type TriggersState =
  { status: 'loading' } | { status: 'ready'; triggers: Trigger[] } | { status: 'error'; message: string };

export function useTriggers(expertId: string | null) {
  const { api } = useServices();
  const [state, setState] = useState<TriggersState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (!expertId) return;
    let cancelled = false;
    setState({ status: 'loading' });
    api.listTriggers(expertId).then(
      (res) => !cancelled && setState({ status: 'ready', triggers: res.triggers }),
      (error: unknown) => !cancelled && setState({ status: 'error', message: describeError(error) }),
    );
    return () => {
      cancelled = true;
    };
  }, [api, expertId, attempt]);

  const put = useCallback((trigger: Trigger) => {
    setState((s) => {
      if (s.status !== 'ready') return s;
      const others = s.triggers.filter((t) => t.id !== trigger.id);
      const at = s.triggers.findIndex((t) => t.id === trigger.id);
      return {
        status: 'ready',
        triggers: at < 0 ? [...others, trigger] : s.triggers.map((t) => (t.id === trigger.id ? trigger : t)),
      };
    });
  }, []);
  const drop = useCallback((id: string) => {
    setState((s) =>
      s.status === 'ready' ? { status: 'ready', triggers: s.triggers.filter((t) => t.id !== id) } : s,
    );
  }, []);

  return { state, put, drop, retry: () => setAttempt((n) => n + 1) };
}
