// Periodic refresh for pages that show gateway state: now, then every interval while the tab is visible.

/** Calls `fn` at once and every `ms` while the document is visible (and at once when it becomes visible); returns the stop function. */
export function poll(fn: () => void | Promise<void>, ms: number): () => void {
  let running = false;
  const tick = async (): Promise<void> => {
    // A slow gateway must not pile up requests.
    if (running || document.hidden) return;
    running = true;
    try {
      await fn();
    } finally {
      running = false;
    }
  };
  void tick();
  const timer = setInterval(() => void tick(), ms);
  const onVisible = (): void => {
    if (!document.hidden) void tick();
  };
  document.addEventListener('visibilitychange', onVisible);
  return () => {
    clearInterval(timer);
    document.removeEventListener('visibilitychange', onVisible);
  };
}
