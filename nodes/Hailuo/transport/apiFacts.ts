

/** Facts about the Hailuo API and how the package reaches it. */

/** The credential type every request is signed with. */
export const CREDENTIAL_NAME = 'hailuoApi';
export const DEFAULT_BASE_URL = 'https://api.acedata.cloud';

/** What a Base URL must be, as every error about it says. */
export const BASE_URL_RULE = `${DEFAULT_BASE_URL} or a proxy that forwards /hailuo/ to it`;

/** Ids per retrieve_batch call: the cap other integrations of the provider document. */
export const BATCH_LIMIT = 50;

/** Backoff between retries when the API sends no Retry-After: 1 s, 2 s, 4 s, ... capped. */
export const BACKOFF = { baseMs: 1000, maxMs: 30_000, retryAfterCapMs: 120_000 } as const;

/** A request's time limit and retries where nobody set them (webhooks, the credential test). */
export const REQUEST_DEFAULTS = { timeoutSeconds: 60, maxRetries: 4 } as const;

/** What a task id looks like (the API's ids are UUIDs): anything else is refused before it reaches a URL or a request. */
export const TASK_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{5,127}$/;
