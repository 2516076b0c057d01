import { useSyncExternalStore } from 'react';

// One switch for the whole dashboard, kept across visits: USD figures are extra detail most readers of
// ETH/LPT amounts opt into, not the default.
const KEY = 'atlas.showUsd';
const listeners = new Set<() => void>();

function read(): boolean {
  try {
    return localStorage.getItem(KEY) === '1';
  } catch {
    return false; // storage blocked (private mode): the toggle still works for this page view
  }
}

let current = typeof localStorage === 'undefined' ? false : read();

/** Turns the USD figures on or off everywhere and remembers the choice in localStorage. */
export function setShowUsd(on: boolean): void {
  current = on;
  try {
    localStorage.setItem(KEY, on ? '1' : '0');
  } catch {
    // not persisted; the in-memory value still applies
  }
  for (const l of listeners) l();
}

/** Whether USD figures are shown (re-renders when the toggle changes). */
export function useShowUsd(): boolean {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => current,
    () => false,
  );
}
