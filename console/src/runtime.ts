// The console's UI runtime in one place: Preact (render, hooks) and @preact/signals for shared state.
import { type Signal, signal } from "@preact/signals";

export { render } from "preact";
export { useEffect, useMemo, useRef, useState } from "preact/hooks";
export { type Signal, signal };

/** Reads a signal in a component; @preact/signals re-renders the component when it changes. */
export const useSignal = <T>(s: Signal<T>): T => s.value;
