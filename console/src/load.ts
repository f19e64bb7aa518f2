// Loads what a screen shows and reloads it after a change; keeps the last error for the screen to show.
import type { ApiFailure, Outcome } from "./api";
import { useEffect, useMemo, useState } from "./runtime";

export interface Loaded<T> {
  data: T | null;
  error: ApiFailure | null;
  /** True from the render whose inputs changed until their answer arrives (the data shown may be the previous one). */
  loading: boolean;
  reload: () => void;
}

export function useLoad<T>(load: () => Promise<Outcome<T>>, deps: unknown[]): Loaded<T> {
  const [tick, setTick] = useState(0);
  // A fresh object whenever the inputs change: the answer to it is the one on screen.
  const request = useMemo(() => ({}), [...deps, tick]);
  const [state, setState] = useState<{ data: T | null; error: ApiFailure | null; for: object | null }>({ data: null, error: null, for: null });
  useEffect(() => {
    let live = true;
    load().then((r) => {
      if (live) setState({ data: r.data, error: r.error, for: request });
    });
    return () => {
      live = false;
    };
  }, [request]);
  return { data: state.data, error: state.error, loading: state.for !== request, reload: () => setTick((t) => t + 1) };
}
