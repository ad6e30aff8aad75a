import type { IExecuteFunctions } from 'n8n-workflow';

import type { InputError } from '../run/inputChecks';
import { isPlaceholderHost } from '../transport/addresses';
import { saysNotRegistered } from '../transport/n8nInternals';
import { errorText } from '../transport/nodeErrors';
import { isObject } from '../transport/shapes';
import { PING_BODY, TRIGGER_WEBHOOK_PATH, isPong } from './messages';

/**
 * Whether a Callback URL can deliver, found out before anything is paid: a
 * callback that cannot arrive is a paid video that reaches no workflow.
 * Seen in the URL itself: a placeholder left from an example, a test URL in a
 * production run. Found by asking: a Hailuo Trigger's URL whose workflow is
 * not published, or whose Secret is another. Any other URL (n8n's Webhook
 * node, another service) cannot be asked without setting it off.
 */

/**
 * Whether a Callback URL is a Hailuo Trigger's production URL, shaped as n8n
 * makes it: <endpoint>/<the node's webhook id>/hailuo. A test URL
 * (/webhook-test/) is not registered with: n8n listens there for one call.
 */
export function leadsToTrigger(callbackUrl: unknown): callbackUrl is string {
	if (typeof callbackUrl !== 'string' || !URL.canParse(callbackUrl)) return false;
	const segments = new URL(callbackUrl).pathname.split('/').filter((s) => s !== '');
	return segments.length >= 3 && segments[segments.length - 1] === TRIGGER_WEBHOOK_PATH && !segments.includes('webhook-test');
}

/** The URL without its query (the secret), for the log. */
export function shown(url: string): string {
	const parsed = new URL(url);
	return `${parsed.origin}${parsed.pathname}`;
}

export interface Undeliverable {
	problem: string;
	hint: string;
}

const COPY_THE_URL =
	"Open the Hailuo Trigger that should receive the videos, copy its Production URL and paste it here (followed by ?secret= and the trigger's Secret, if it has one).";

/** What a URL shows of itself, checked in this order; the first that applies is the error. */
const IN_THE_URL: ReadonlyArray<{ applies: (url: URL, mode: string) => boolean; problem: (url: URL) => string; hint: string }> = [
	{
		applies: (url) => isPlaceholderHost(url.hostname),
		problem: (url) => `"${url.hostname}" is a placeholder, not the address of your n8n`,
		hint: COPY_THE_URL,
	},
	{
		applies: (url) => /change[-_ ]?me|your[-_ ]?secret/i.test(readable(url.href)),
		problem: () => 'still carries a placeholder ("change-me" or "your secret")',
		hint: "Write the Hailuo Trigger's own Secret after ?secret= (the same value on both sides).",
	},
	{
		applies: (url, mode) => mode !== 'manual' && url.pathname.split('/').includes('webhook-test'),
		problem: () => "is a test URL (/webhook-test/), which n8n serves only while 'Listen for test event' is clicked in the editor: this run's callbacks would be lost",
		hint: "Use the trigger's Production URL (/webhook/…) and publish its workflow (Publish on n8n 2.x, Activate on 1.x).",
	},
];

/** Why a Callback URL cannot deliver, as far as the URL shows (`mode`: the execution's). */
export function refuseUndeliverable(check: InputError, callbackUrl: string, mode: string) {
	const url = new URL(callbackUrl);
	const found = IN_THE_URL.find((rule) => rule.applies(url, mode));
	if (found) check.fail('Callback URL', found.problem(url), found.hint);
}

function readable(href: string): string {
	try {
		return decodeURIComponent(href);
	} catch {
		return href;
	}
}

const PROBE_TIMEOUT_MS = 5_000;

/**
 * Asks every Hailuo Trigger among `callbackUrls` (once each, at the same
 * time) whether it takes callbacks. Returns why for those that do not. An
 * answer that says nothing for sure (no answer, a timeout, a proxy's page)
 * refuses nothing: n8n often cannot reach its own public address, and a
 * video whose callback may arrive is not refused for that; it is logged.
 */
export async function unreachableTriggers(ctx: IExecuteFunctions, callbackUrls: Iterable<unknown>): Promise<Map<string, Undeliverable>> {
	const urls = [...new Set([...callbackUrls].filter(leadsToTrigger))];
	const found = new Map<string, Undeliverable>();
	await Promise.all(
		urls.map(async (url) => {
			const refusal = await probe(ctx, url);
			if (refusal) found.set(url, refusal);
		}),
	);
	return found;
}

async function probe(ctx: IExecuteFunctions, url: string): Promise<Undeliverable | undefined> {
	let statusCode: number;
	let body: unknown;
	try {
		const response: unknown = await ctx.helpers.httpRequest({
			method: 'POST',
			url,
			body: PING_BODY,
			json: true,
			timeout: PROBE_TIMEOUT_MS,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
		});
		statusCode = isObject(response) && typeof response.statusCode === 'number' ? response.statusCode : 0;
		body = isObject(response) ? response.body : undefined;
	} catch (error) {
		ctx.logger.warn(`Hailuo: the Hailuo Trigger at ${shown(url)} could not be asked whether it takes callbacks (${errorText(error)}); submitting anyway.`);
		return undefined;
	}
	if (statusCode === 200 && isPong(body)) return undefined;
	const refusal = ANSWERS.find((answer) => answer.means(statusCode, body));
	if (refusal) return refusal;
	ctx.logger.warn(`Hailuo: the Hailuo Trigger at ${shown(url)} gave an unexpected answer (HTTP ${statusCode}) when asked whether it takes callbacks; submitting anyway.`);
	return undefined;
}

/** Answers that say for sure that no callback would be taken. */
const ANSWERS: ReadonlyArray<Undeliverable & { means: (status: number, body: unknown) => boolean }> = [
	{
		means: saysNotRegistered,
		problem: 'leads to no published Hailuo Trigger: n8n answers that nothing listens on this URL',
		hint: "Publish the workflow of the Hailuo Trigger (Publish on n8n 2.x, Activate on 1.x), or copy the Production URL of the trigger you meant: the part after /webhook/ names one trigger node, and changes when the node is copied into another workflow.",
	},
	{
		means: (status) => status === 401 || status === 403,
		problem: "is refused by the Hailuo Trigger there: its ?secret= is not the trigger's Secret",
		hint: "Make the value after ?secret= the same as the trigger's Secret; write characters other than letters, digits, '-', '_', '.' and '~' percent-encoded.",
	},
];


