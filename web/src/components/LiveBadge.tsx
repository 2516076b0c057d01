import { useEffect, useState } from 'react';
import { useApi } from '../api/hooks.js';
import type { LiveState } from '../live.js';

/** "12 s", "4 min", "3 h": how long ago, coarse. */
function ago(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86_400)} days`;
}

/**
 * The header's freshness badge: green while the newest indexed block is recent and the live stream is open,
 * amber while the indexer catches up or the head is getting old, red once the chain (or the stream) stopped.
 * The age counts on between answers from the server's clock, so a frozen chain turns amber, then red.
 */
export function LiveBadge({ stream, lastEvent }: { stream: LiveState; lastEvent: string | null }) {
  const head = useApi('/api/v1/head', undefined, { refetchEveryMs: 15_000, staleTime: 0 });
  const [tick, setTick] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setTick(Date.now()), 5_000);
    return () => clearInterval(t);
  }, []);
  const h = head.data;
  // The server's clock at the answer, moved on by the time since it arrived.
  const age = h && h.ageSeconds !== null ? h.ageSeconds + Math.max(0, (tick - head.dataUpdatedAt) / 1000) : null;
  const state = h?.state === 'syncing' ? 'syncing' : age === null ? null : age <= h!.staleAfterSeconds ? 'live' : age <= h!.stoppedAfterSeconds ? 'stale' : 'stopped';
  let cls: 'live' | 'amber' | 'red' | 'offline';
  let text: string;
  if (stream === 'offline') [cls, text] = ['red', '○ offline'];
  else if (stream === 'connecting' && !h) [cls, text] = ['offline', '○ connecting'];
  else if (state === 'syncing') [cls, text] = ['amber', '◐ syncing'];
  else if (state === 'live') [cls, text] = ['live', '● live'];
  else if (state === 'stale') [cls, text] = ['amber', `● ${ago(age!)} behind`];
  else if (state === 'stopped') [cls, text] = ['red', `● stopped ${ago(age!)} ago`];
  else [cls, text] = ['offline', '○ no data yet'];
  const title = h?.block != null && age !== null ? `newest indexed block ${h.block.toLocaleString('en-US')}, ${ago(age)} old${lastEvent ? ` · last event: ${lastEvent}` : ''}` : undefined;
  return (
    <span className={`live ${cls}`} data-testid="live" data-state={state ?? stream} title={title}>
      {text}
    </span>
  );
}
