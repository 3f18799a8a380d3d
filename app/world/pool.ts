// A tiny concurrency pool: sharp does its pixel work on libuv's thread pool, so keeping a few
// renders in flight uses both cores without worker threads.

/** Runs `task(i)` for i in [0, n) with at most `concurrency` in flight; rejects on the first failure. */
export async function forEachPool(n: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < n) {
      const i = next++;
      try {
        await task(i);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, n)) }, worker));
}
