import { NodeOperationError } from 'n8n-workflow';
import type { IBinaryData, IExecuteFunctions, IN8nHttpFullResponse, ITriggerFunctions, IWebhookFunctions } from 'n8n-workflow';

import { isLocalHost } from '../transport/addresses';
import { storedBytes } from '../transport/n8nInternals';
import { errorText } from '../transport/nodeErrors';
import { hasMethods } from '../transport/shapes';
import { firstVideoUrl } from './taskRecord';
import type { TaskOutcome } from './taskRecord';

/** Idle time allowed while a video downloads (webhooks, which have no Request Timeout option). */
export const DOWNLOAD_TIMEOUT_MS = 120_000;

/**
 * Hands a finished task's video to n8n as binary data. The file is streamed
 * from the CDN into n8n's binary data store (to disk in n8n's filesystem
 * mode), never held whole in memory, and its stored size is checked against
 * Content-Length so a cut connection cannot pass for a complete video.
 */

export interface DownloadSettings {
	propertyName: string;
	timeoutMs: number;
	/** Refuse local addresses: with the real API, a video URL is always public. */
	publicOnly: boolean;
}

/** Where a video can be stored: a node run, a webhook request, a trigger's catch-up. */
export type DownloadContext = IExecuteFunctions | IWebhookFunctions | ITriggerFunctions;
type Context = DownloadContext;

/** Why an item has no video to download, or undefined when it has one. */
export function nothingToDownload(outcome: TaskOutcome): string | undefined {
	if (outcome.state === 'failed') return 'The task failed: there is no video to download.';
	if (!outcome.finished) return 'The task has not finished yet: nothing to download.';
	if (!firstVideoUrl(outcome)) return 'The task returned no video URL.';
	return undefined;
}

function failure(ctx: Context, outcome: TaskOutcome, url: string, problem: string, itemIndex?: number) {
	return new NodeOperationError(ctx.getNode(), `Downloading the video of task ${outcome.taskId} failed: ${problem}`, {
		itemIndex,
		description: `Video URL: ${url}. CDN links do not live forever: read the task again with Task > Get for a fresh URL, then retry. Task id: ${outcome.taskId}.`,
	});
}

/** A streamed response body, as n8n's helpers hand it over: prepareBinaryData takes it as it is. */
type ResponseStream = Extract<Parameters<IExecuteFunctions['helpers']['prepareBinaryData']>[0], { pipe: unknown }>;

function isStream(body: unknown): body is ResponseStream {
	return hasMethods(body, 'pipe', 'destroy');
}


const MAX_REDIRECTS = 5;
/** What a CDN sends instead of a video: an error or "link expired" page, a JSON error. */
const NOT_A_VIDEO = /^(text\/|application\/(json|xml|xhtml\+xml|problem\+json))/i;

/** The address of one hop, refused when it may not be fetched. */
function checkedHop(ctx: Context, outcome: TaskOutcome, url: string, settings: DownloadSettings, itemIndex?: number): URL {
	const parsed = URL.canParse(url) ? new URL(url) : undefined;
	if (parsed === undefined || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
		throw failure(ctx, outcome, url, 'the task has no usable video URL', itemIndex);
	}
	if (settings.publicOnly && isLocalHost(parsed.hostname)) {
		throw failure(ctx, outcome, url, `the URL points at a local address (${parsed.hostname}), which is not fetched`, itemIndex);
	}
	return parsed;
}

/**
 * Requests the file, following redirects one hop at a time: every address
 * is checked before it is asked, so a public host cannot redirect the
 * download into n8n's own network.
 */
async function fetchFile(ctx: Context, outcome: TaskOutcome, url: string, settings: DownloadSettings, itemIndex?: number) {
	let current = checkedHop(ctx, outcome, url, settings, itemIndex);
	for (let hop = 0; ; hop++) {
		let response: IN8nHttpFullResponse;
		try {
			response = await ctx.helpers.httpRequest({
				method: 'GET',
				url: current.toString(),
				// A compressed answer would be unpacked on the way, while Content-Length
				// still gives the packed size: ask for the file as it is.
				headers: { 'accept-encoding': 'identity' },
				encoding: 'stream',
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				disableFollowRedirect: true,
				timeout: settings.timeoutMs,
			});
		} catch (error) {
			throw failure(ctx, outcome, url, `the CDN could not be reached (${errorText(error)})`, itemIndex);
		}
		const location = response.headers.location;
		if (response.statusCode < 300 || response.statusCode >= 400 || typeof location !== 'string') return response;
		if (isStream(response.body)) response.body.destroy();
		if (hop + 1 >= MAX_REDIRECTS) throw failure(ctx, outcome, url, `more than ${MAX_REDIRECTS} redirects`, itemIndex);
		current = checkedHop(ctx, outcome, new URL(location, current).toString(), settings, itemIndex);
	}
}

export async function downloadVideo(
	ctx: Context,
	outcome: TaskOutcome,
	settings: DownloadSettings,
	itemIndex?: number,
): Promise<IBinaryData> {
	const url = firstVideoUrl(outcome) ?? '';
	const response = await fetchFile(ctx, outcome, url, settings, itemIndex);
	const source = response.body;
	if (!isStream(source)) throw failure(ctx, outcome, url, 'n8n handed over no stream for the file', itemIndex);
	if (response.statusCode < 200 || response.statusCode >= 300) {
		source.destroy();
		throw failure(ctx, outcome, url, `the CDN answered HTTP ${response.statusCode}`, itemIndex);
	}
	const type = String(response.headers['content-type'] ?? '');
	if (NOT_A_VIDEO.test(type)) {
		source.destroy();
		throw failure(ctx, outcome, url, `the CDN answered with ${type.split(';')[0]} instead of a video (an error or expired-link page)`, itemIndex);
	}
	// A CDN that compresses anyway gives the packed size in Content-Length, and n8n unpacks
	// the file (dropping Content-Encoding on the way): more bytes than declared is that, never
	// a cut. A cut stream gives fewer, and fails the unpacking when packed.
	const encoding = String(response.headers['content-encoding'] ?? 'identity').toLowerCase();
	const declared = Number(response.headers['content-length']);
	const expected = encoding === 'identity' && Number.isFinite(declared) && declared >= 0 ? declared : undefined;
	let file: IBinaryData;
	try {
		file = await ctx.helpers.prepareBinaryData(source, `${outcome.taskId}.mp4`, 'video/mp4');
	} catch (error) {
		source.destroy();
		throw failure(ctx, outcome, url, `the connection was cut or the file could not be stored (${errorText(error)})`, itemIndex);
	}
	// A connection cut mid-file can end the stream early without an error: only
	// the stored size tells. The short file is never attached to the item; n8n
	// removes it with the execution's other binary data.
	const received = await storedBytes(ctx, file);
	if (expected !== undefined && received < expected) {
		throw failure(
			ctx,
			outcome,
			url,
			`received ${received} of ${expected} bytes: the connection was cut, or the CDN sent the file compressed although asked not to (its size then cannot be checked)`,
			itemIndex,
		);
	}
	return file;
}
