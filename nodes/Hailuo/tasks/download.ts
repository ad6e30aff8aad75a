import { NodeOperationError } from 'n8n-workflow';
import type { IBinaryData, IExecuteFunctions, IN8nHttpFullResponse, ITriggerFunctions, IWebhookFunctions } from 'n8n-workflow';

import { isLocalHost } from '../transport/addresses';
import { hasMethods } from '../transport/json';
import { errorText } from '../transport/nodeErrors';
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

/**
 * How many bytes n8n stored. 2.x reports `bytes`; 1.x only a rounded
 * `fileSize`, so the exact figure comes from the file's metadata (filesystem
 * and database modes) or from the base64 data (memory mode).
 */
async function storedBytes(ctx: Context, file: IBinaryData): Promise<number> {
	if (typeof file.bytes === 'number') return file.bytes;
	if (file.id) {
		const metadata = await ctx.helpers.getBinaryMetadata(file.id);
		return Number(metadata.fileSize);
	}
	return Buffer.byteLength(file.data, 'base64');
}

export async function downloadVideo(
	ctx: Context,
	outcome: TaskOutcome,
	settings: DownloadSettings,
	itemIndex?: number,
): Promise<IBinaryData> {
	const url = firstVideoUrl(outcome) ?? '';
	const parsed = URL.canParse(url) ? new URL(url) : undefined;
	if (parsed === undefined) throw failure(ctx, outcome, url, 'the task has no usable video URL', itemIndex);
	if (settings.publicOnly && isLocalHost(parsed.hostname)) {
		throw failure(ctx, outcome, url, `the URL points at a local address (${parsed.hostname}), which is not fetched`, itemIndex);
	}
	let response: IN8nHttpFullResponse;
	try {
		response = await ctx.helpers.httpRequest({
			method: 'GET',
			url,
			// A compressed answer would be unpacked on the way, while Content-Length
			// still gives the packed size: ask for the file as it is.
			headers: { 'accept-encoding': 'identity' },
			encoding: 'stream',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: settings.timeoutMs,
		});
	} catch (error) {
		throw failure(ctx, outcome, url, `the CDN could not be reached (${errorText(error)})`, itemIndex);
	}
	const source = response.body;
	if (!isStream(source)) throw failure(ctx, outcome, url, 'n8n handed over no stream for the file', itemIndex);
	if (response.statusCode < 200 || response.statusCode >= 300) {
		source.destroy();
		throw failure(ctx, outcome, url, `the CDN answered HTTP ${response.statusCode}`, itemIndex);
	}
	const declared = Number(response.headers['content-length']);
	const expected = Number.isFinite(declared) && declared >= 0 ? declared : undefined;
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
	if (expected !== undefined && received !== expected) {
		throw failure(ctx, outcome, url, `received ${received} of ${expected} bytes (the connection was cut)`, itemIndex);
	}
	return file;
}
