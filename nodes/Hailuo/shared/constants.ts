export const CREDENTIAL_NAME = 'hailuoApi';

/** What the nodes panel says of the Hailuo node and the Hailuo Trigger, shown there as one entry. */
export const PANEL_DESCRIPTION =
	'Generate videos with Hailuo (MiniMax) through the AceData Cloud API, and start workflows when they are ready';
export const DEFAULT_BASE_URL = 'https://api.acedata.cloud';

/** Ids per retrieve_batch call: the cap other integrations of the provider document. */
export const BATCH_LIMIT = 50;

/** Longer prompts are refused before submission: the models ignore the rest, and it is billed. */
export const PROMPT_MAX_LENGTH = 2000;

export const DEFAULTS = {
	pollIntervalSeconds: 10,
	timeoutSeconds: 900,
	concurrency: 5,
	requestTimeoutSeconds: 60,
	maxRetries: 4,
	/** The largest nightly batch the package is built and measured for; more is more often a mis-wired expression than a plan. */
	maxVideosPerRun: 200,
} as const;

export const LIMITS = {
	pollIntervalSeconds: { min: 0.1, max: 3600 },
	timeoutSeconds: { min: 1, max: 7 * 24 * 3600 },
	concurrency: { min: 1, max: 20 },
	requestTimeoutSeconds: { min: 1, max: 600 },
	maxRetries: { min: 0, max: 10 },
	maxVideosPerRun: { min: 1, max: 100_000 },
} as const;

/** Backoff between retries when the API sends no Retry-After: 1 s, 2 s, 4 s, ... capped. */
export const BACKOFF = { baseMs: 1000, maxMs: 30_000, retryAfterCapMs: 120_000 } as const;

/** Idle time allowed while a video downloads (webhooks, which have no Request Timeout option). */
export const DOWNLOAD_TIMEOUT_MS = 120_000;
