/**
 * Node runs a setTimeout whose delay exceeds 2^31 - 1 ms (about 24.8 days) after 1 ms, with only a
 * warning. A sandbox timeout that long (an absurd but accepted `--exec-timeout`, say) would then kill
 * every solution at once; this timer waits the whole delay, in steps that fit.
 */
const MAX_DELAY_MS = 2 ** 31 - 1;

export interface LongTimer {
  clear(): void;
}

/** Calls `fn` once, `ms` milliseconds from now, however long that is; clear() cancels it. */
export function setLongTimeout(fn: () => void, ms: number): LongTimer {
  const due = Date.now() + Math.max(0, ms);
  let handle: NodeJS.Timeout;
  const arm = (): void => {
    const left = due - Date.now();
    handle = left > MAX_DELAY_MS ? setTimeout(arm, MAX_DELAY_MS) : setTimeout(fn, Math.max(0, left));
  };
  arm();
  return { clear: () => clearTimeout(handle) };
}
