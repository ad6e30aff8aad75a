

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

/**
 * The HTTP status the provider documents for each of its error codes
 * (contract, section 3). A gateway that answers 200 with an error body is
 * read as if it had sent that status; an unknown code as a server error.
 */
export const STATUS_OF_CODE: Readonly<Record<string, number>> = {
	bad_request: 400,
	api_not_implemented: 400,
	no_token: 400,
	disabled: 400,
	token_mismatched: 401,
	invalid_token: 401,
	token_expired: 401,
	used_up: 403,
	no_api: 404,
	too_many_requests: 429,
	api_error: 500,
};
