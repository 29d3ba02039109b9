/**
 * Stores subscribe to push events once, however many components ask for it:
 * the App attaches everything, and a screen rendered alone (tests) attaches its own.
 */
export function refCounted(subscribeAll: () => () => void): () => () => void {
  let users = 0;
  let unsubscribe: (() => void) | null = null;
  return () => {
    users++;
    if (users === 1) unsubscribe = subscribeAll();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      users--;
      if (users === 0 && unsubscribe) {
        unsubscribe();
        unsubscribe = null;
      }
    };
  };
}
