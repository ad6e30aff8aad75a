import type { IExecuteFunctions } from 'n8n-workflow';

import { HailuoClient } from '../transport/hailuoClient';
import { ItemResults } from './itemResults';
import { readRunSettings } from './settings';
import type { RunSettings } from './settings';

export interface Run {
	settings: RunSettings;
	api: HailuoClient;
	results: ItemResults;
	signal: AbortSignal | undefined;
}

/** What every operation starts with: its settings, the API (cancellable with the execution), an output per item. */
export async function startRun(ctx: IExecuteFunctions, polls: boolean): Promise<Run> {
	const settings = readRunSettings(ctx, polls);
	const signal = ctx.getExecutionCancelSignal();
	const api = await HailuoClient.connect(ctx, { ...settings, signal, deadline: settings.answerBy });
	return { settings, api, signal, results: new ItemResults(ctx, ctx.getInputData().length) };
}
