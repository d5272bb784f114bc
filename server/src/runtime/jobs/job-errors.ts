/** How a job ends when it does not finish: stopped by its timeout, cancelled, or its worker died. */

export class JobTimeoutError extends Error {
  override name = 'JobTimeoutError';
}

export class JobCancelledError extends Error {
  override name = 'JobCancelledError';
}

/** The worker died during a job (a crash in the driver, a kill from outside). */
export class WorkerExitError extends Error {
  override name = 'WorkerExitError';
}

/** "300 ms", "2 s", "1.5 s". */
export function formatSeconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)} s`;
}
