import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';

export type LiveState = 'connecting' | 'live' | 'offline';

/**
 * Subscribes to /events and refetches the visible queries when something new is indexed. Notifications are
 * coalesced (one invalidation per 500 ms at most) so a burst of reward calls does not refetch per event.
 */
export function useLiveUpdates(): { state: LiveState; lastEvent: string | null } {
  const qc = useQueryClient();
  const [state, setState] = useState<LiveState>('connecting');
  const [lastEvent, setLastEvent] = useState<string | null>(null);
  useEffect(() => {
    if (typeof EventSource === 'undefined') {
      setState('offline');
      return;
    }
    const es = new EventSource('/events');
    let timer: ReturnType<typeof setTimeout> | null = null;
    const bump = (what: string) => {
      setLastEvent(what);
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        void qc.invalidateQueries();
      }, 500);
    };
    es.addEventListener('hello', () => setState('live'));
    for (const t of ['round', 'reward', 'ticket', 'proposal']) es.addEventListener(t, () => bump(t));
    es.addEventListener('update', () => bump('update'));
    es.onerror = () => setState(es.readyState === EventSource.CLOSED ? 'offline' : 'connecting');
    es.onopen = () => setState('live');
    return () => {
      if (timer) clearTimeout(timer);
      es.close();
    };
  }, [qc]);
  return { state, lastEvent };
}
