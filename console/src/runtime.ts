// The console's UI runtime in one place: hono/jsx/dom (hooks, render; already a pinned dependency) plus a
// tiny signal. Swapping in Preact + @preact/signals later means changing this file and the jsxImportSource only.
import { useSyncExternalStore } from "hono/jsx/dom";

export { render } from "hono/jsx/dom";
export { useEffect, useMemo, useRef, useState } from "hono/jsx/dom";

export interface Signal<T> {
  value: T;
  subscribe(listener: () => void): () => void;
}

/** A value that re-renders every component reading it through useSignal when it changes. */
export function signal<T>(initial: T): Signal<T> {
  let current = initial;
  const listeners = new Set<() => void>();
  return {
    get value() {
      return current;
    },
    set value(next: T) {
      if (Object.is(next, current)) return;
      current = next;
      for (const listener of [...listeners]) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Reads a signal inside a component and re-renders on change. */
export function useSignal<T>(s: Signal<T>): T {
  return useSyncExternalStore(
    (cb) => s.subscribe(cb),
    () => s.value,
  );
}
