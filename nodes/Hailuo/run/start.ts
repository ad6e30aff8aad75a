import type { IExecuteFunctions } from 'n8n-workflow';

import type { DownloadSettings } from '../records/download';
import { HailuoClient } from '../transport/hailuoClient';
import { InputError, readDownloadSettings } from './inputChecks';
import { ItemResults } from './itemResults';
import { readRunSettings } from './settings';
import type { RunSettings } from './settings';

export interface Run {
	settings: RunSettings;
	api: HailuoClient;
	results: ItemResults;
	signal: AbortSignal | undefined;
	/** Where the run's videos go as binary data; undefined when they are not downloaded. */
	download: DownloadSettings | undefined;
}

/**
 * What every operation starts with, all read and checked before any request:
 * its settings, its download settings (`downloads`: the operation can attach
 * videos), the API (cancellable with the execution), an output per item.
 */
export async function startRun(ctx: IExecuteFunctions, { polls, downloads }: { polls: boolean; downloads: boolean }): Promise<Run> {
	const settings = readRunSettings(ctx, polls);
	const signal = ctx.getExecutionCancelSignal();
	const api = await HailuoClient.connect(ctx, { ...settings, signal, deadline: settings.answerBy });
	const download = downloads
		? readDownloadSettings((name, fallback) => ctx.getNodeParameter(name, 0, fallback), new InputError(ctx.getNode(), 0), api.baseUrl, settings.requestTimeoutMs)
		: undefined;
	return { settings, api, signal, download, results: new ItemResults(ctx, ctx.getInputData().length) };
}
