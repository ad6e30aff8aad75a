import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { assertSingleItem, resumeUrl } from '../../callbacks/pause';
import { RepeatedCalls } from '../../run/asTool';
import { startRun } from '../../run/start';
import { SubmissionLedger } from '../../run/submissionLedger';
import { asNodeError } from '../../transport/nodeErrors';
import { completionOf, finish } from './completions';
import type { VideoOperation } from './fields';
import { buildRequest } from './request';
import { refuseRetryOnFail, submitItems } from './submission';
import type { Submission } from './submission';

/**
 * Text to Video and Image to Video, from the top: every item checked before
 * anything is paid, then each paid for once (submission.ts), then the run
 * ends as its Completion says (completions.ts).
 */
export async function generate(this: IExecuteFunctions, operation: VideoOperation): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	refuseRetryOnFail(this);
	const chosen = completionOf(this.getNodeParameter('completion', 0, 'poll'));
	const run = await startRun(this, { polls: chosen === 'poll', downloads: chosen !== 'submitOnly' });
	const pause = chosen === 'pauseUntilCallback';
	if (pause) assertSingleItem(this, items.length);
	const callbackToResume = pause ? await resumeUrl(this, run.api.baseUrl) : undefined;

	const ledger = SubmissionLedger.open(this);
	const submissions: Submission[] = [];
	for (let index = 0; index < items.length; index++) {
		try {
			const body = buildRequest(this, index, operation, run.api.baseUrl, callbackToResume);
			submissions.push({ index, body, key: ledger.key(index, body) });
		} catch (error) {
			run.results.fail(index, asNodeError(this.getNode(), error));
		}
	}

	const repeats = run.settings.asTool ? RepeatedCalls.open(this) : undefined;
	const withTask = await submitItems(this, run, { ledger, repeats }, submissions);
	return await finish(chosen, { ctx: this, run, submissions, withTask, ledger, repeats });
}
