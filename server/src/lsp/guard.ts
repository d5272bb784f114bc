/**
 * A provider must never fail a request: a bug in one hover must not break the editor. Failures
 * are logged to stderr (the client's output channel) and the request gets an empty answer.
 */
import { isOperationCancelled } from 'langium';

export async function guarded<T>(what: string, fallback: T, work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (isOperationCancelled(e)) throw e; // Langium answers cancelled requests itself
    console.error(`cein: ${what} failed:`, e instanceof Error ? (e.stack ?? e.message) : e);
    return fallback;
  }
}
