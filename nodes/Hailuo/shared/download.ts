import { NodeOperationError } from 'n8n-workflow';
import type {
	IBinaryData,
	IExecuteFunctions,
	IWebhookFunctions,
	NodeApiError,
} from 'n8n-workflow';
import { Transform } from 'stream';
import type { Readable } from 'stream';

import { firstVideoUrl } from './taskRecord';
import type { TaskOutcome } from './taskRecord';
import { isLocalHost } from './validation';

/**
 * Hands a finished task's video to n8n as binary data. The file is streamed
 * from the CDN into n8n's binary data store (to disk in n8n's filesystem
 * mode), never held whole in memory, and checked against Content-Length so a
 * cut connection cannot pass for a complete video.
 */

export interface DownloadSettings {
	propertyName: string;
	timeoutMs: number;
	/** Refuse local addresses: with the real API, a video URL is always public. */
	publicOnly: boolean;
}

type Context = IExecuteFunctions | IWebhookFunctions;

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

/** Counts bytes on the way through and fails when fewer (or more) arrive than announced. */
function sizeCheck(expected: number | undefined, onMismatch: (received: number) => Error): Transform {
	let received = 0;
	return new Transform({
		transform(chunk: Buffer, _encoding, done) {
			received += chunk.length;
			done(null, chunk);
		},
		flush(done) {
			done(expected !== undefined && received !== expected ? onMismatch(received) : null);
		},
	});
}

export async function downloadVideo(
	ctx: Context,
	outcome: TaskOutcome,
	settings: DownloadSettings,
	itemIndex?: number,
): Promise<IBinaryData> {
	const url = firstVideoUrl(outcome) as string;
	const parsed = new URL(url);
	if (settings.publicOnly && isLocalHost(parsed.hostname)) {
		throw failure(ctx, outcome, url, `the URL points at a local address (${parsed.hostname}), which is not fetched`, itemIndex);
	}
	let response: { statusCode: number; headers: Record<string, string | undefined>; body: Readable };
	try {
		response = (await ctx.helpers.httpRequest({
			method: 'GET',
			url,
			encoding: 'stream',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: settings.timeoutMs,
		})) as typeof response;
	} catch (error) {
		const code = (error as NodeApiError).cause as { code?: string } | undefined;
		throw failure(ctx, outcome, url, `the CDN could not be reached (${code?.code ?? (error as Error).message})`, itemIndex);
	}
	const source = response.body;
	if (response.statusCode < 200 || response.statusCode >= 300) {
		source.destroy();
		throw failure(ctx, outcome, url, `the CDN answered HTTP ${response.statusCode}`, itemIndex);
	}
	const declared = Number(response.headers['content-length']);
	const expected = Number.isFinite(declared) && declared >= 0 ? declared : undefined;
	const checked = sizeCheck(expected, (received) =>
		failure(ctx, outcome, url, `received ${received} of ${expected} bytes (the connection was cut)`, itemIndex),
	);
	// A connection cut mid-file ends the source early: make that an error on the checked stream.
	source.on('error', (error) => checked.destroy(failure(ctx, outcome, url, `the connection was cut (${error.message})`, itemIndex)));
	source.on('aborted', () => checked.destroy(failure(ctx, outcome, url, 'the connection was cut', itemIndex)));
	source.pipe(checked);
	try {
		return await ctx.helpers.prepareBinaryData(checked, `${outcome.taskId}.mp4`, 'video/mp4');
	} catch (error) {
		source.destroy();
		if (error instanceof NodeOperationError) throw error;
		throw failure(ctx, outcome, url, (error as Error).message, itemIndex);
	}
}
