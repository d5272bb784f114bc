/**
 * Loaded before the editor's large bundle: starts the language server worker at once, so that
 * Langium starts up while the page is still evaluating Monaco. main.ts takes the worker over.
 */
import { LANGUAGE_WORKER_URL } from './worker-url.js';

(globalThis as { ceinLanguageWorker?: Worker }).ceinLanguageWorker = new Worker(LANGUAGE_WORKER_URL);
