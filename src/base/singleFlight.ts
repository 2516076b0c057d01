// Callers that ask for the same slow answer while it is being computed share that one computation instead of
// each starting their own (a burst of requests after a cache expires would otherwise read the database N times).

/** A function of no arguments whose concurrent calls share one run; the next call after it settles runs it again. */
export function singleFlight<T>(run: () => Promise<T>): () => Promise<T> {
  let inFlight: Promise<T> | null = null;
  return () => {
    inFlight ??= run().finally(() => {
      inFlight = null;
    });
    return inFlight;
  };
}
