import { REQUEST_DEFAULTS } from '../transport/apiFacts';

/** What the node accepts, and its option defaults (the option fields show the same numbers; a test holds them together). */

/** Longer prompts are refused before submission: the models ignore the rest, and it is billed. */
export const PROMPT_MAX_LENGTH = 2000;

export const DEFAULTS = {
	pollIntervalSeconds: 10,
	timeoutSeconds: 900,
	concurrency: 5,
	requestTimeoutSeconds: REQUEST_DEFAULTS.timeoutSeconds,
	maxRetries: REQUEST_DEFAULTS.maxRetries,
	/** The largest nightly batch the package is built and measured for; more is more often a mis-wired expression than a plan. */
	maxVideosPerRun: 200,
	/** A tool's videos across all its calls, per period: an agent's day of work, not a loop's. */
	toolMaxVideos: 50,
	toolMaxVideosPeriod: 'day',
} as const;

export const LIMITS = {
	pollIntervalSeconds: { min: 0.1, max: 3600 },
	timeoutSeconds: { min: 1, max: 7 * 24 * 3600 },
	concurrency: { min: 1, max: 20 },
	requestTimeoutSeconds: { min: 1, max: 600 },
	maxRetries: { min: 0, max: 10 },
	maxVideosPerRun: { min: 1, max: 100_000 },
	toolMaxVideos: { min: 1, max: 100_000 },
} as const;
