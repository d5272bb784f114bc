/** Where the built playground keeps the language server's worker bundle (a copy of out/browser/language-worker.js). */
export const LANGUAGE_WORKER_URL = 'language-worker.js';
