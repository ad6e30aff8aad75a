import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { GenerateRequest, HailuoApi } from '../../shared/api';
import { stopsTheRun } from '../../shared/apiErrors';
import { mapBounded } from '../../shared/concurrency';
import { PROMPT_MAX_LENGTH } from '../../shared/constants';
import { settleAll } from '../../shared/results';
import type { ItemResults } from '../../shared/results';
import { readDownload, startRun } from '../../shared/settings';
import type { RunSettings } from '../../shared/settings';
import { simplify, unknownTask } from '../../shared/taskRecord';
import { asNodeError, cancelled } from '../../shared/nodeErrors';
import type { ItemError } from '../../shared/nodeErrors';
import { InputError } from '../../shared/validation';
import { assertSingleItem, resumeUrl, waitForCallback } from '../../shared/pause';
import { pollTasks } from '../../shared/waiting';
import { OTHER_MODEL } from './fields';
import type { VideoOperation } from './fields';

type Completion = 'poll' | 'submitOnly' | 'pauseUntilCallback';

interface Submission {
	index: number;
	body: GenerateRequest;
	taskId?: string;
	answer?: IDataObject;
}

/** The request for one item, checked field by field before anything is paid for. */
function buildRequest(
	ctx: IExecuteFunctions,
	index: number,
	operation: VideoOperation,
	baseUrl: string,
	resumeUrl: string | undefined,
): GenerateRequest {
	const check = new InputError(ctx.getNode(), index);
	const prompt = check.text(
		'Prompt',
		ctx.getNodeParameter('prompt', index, ''),
		'Describe the video to generate, e.g. A red fox runs through fresh snow at dawn.',
		PROMPT_MAX_LENGTH,
	);
	const chosen = ctx.getNodeParameter('model', index, '');
	const model = check.text(
		chosen === OTHER_MODEL ? 'Model Name' : 'Model',
		chosen === OTHER_MODEL ? ctx.getNodeParameter('customModel', index, '') : chosen,
		"Pick a model, or choose 'Other' and type the model name.",
	);
	const body: GenerateRequest = { action: 'generate', prompt, model };
	if (operation === 'imageToVideo') {
		body.first_image_url = check.publicUrl(
			'First Image URL',
			ctx.getNodeParameter('firstImageUrl', index, ''),
			baseUrl,
			'Pass a public http(s) URL of the first-frame image, e.g. https://example.com/frame.jpg.',
		);
	}
	const options = ctx.getNodeParameter('options', index, {}) as IDataObject;
	const callbackUrl = options.callbackUrl;
	if (resumeUrl !== undefined) {
		body.callback_url = resumeUrl;
	} else if (typeof callbackUrl === 'string' && callbackUrl.trim() !== '') {
		body.callback_url = check.publicUrl(
			'Callback URL',
			callbackUrl,
			baseUrl,
			'Use the production URL shown by a Hailuo Trigger node, e.g. https://n8n.example.com/webhook/hailuo.',
		);
	} else {
		// Without a callback, ask for an immediate task id: a held request
		// would keep a connection open for minutes per video.
		body.async = true;
	}
	return body;
}

/** Adds the task ids already created in this run to an error that stops it, so none is lost. */
function withSubmittedTasks(ctx: IExecuteFunctions, thrown: unknown, submissions: Submission[]): ItemError {
	const error = asNodeError(ctx.getNode(), thrown);
	const created = submissions.filter((s) => s.taskId);
	if (created.length > 0) {
		const list = created.map((s) => `item ${s.index + 1}: ${s.taskId}`).join(', ');
		error.description = `${error.description ?? ''} Tasks already submitted in this run, not resubmitted (pick them up with Task > Wait): ${list}.`.trim();
		error.context = { ...(error.context ?? {}), submittedTaskIds: created.map((s) => s.taskId as string) };
	}
	return error;
}

/** n8n's Retry On Fail would run the node again after an error: every video would be billed twice. */
function refuseRetryOnFail(ctx: IExecuteFunctions) {
	if (ctx.getNode().retryOnFail !== true) return;
	throw new NodeOperationError(ctx.getNode(), "Turn off 'Retry On Fail' for this node: a retry would submit, and bill, every video again", {
		description:
			'Nothing was submitted. The node already retries what is safe to retry (rate limits, and status checks after server or network errors). Use Task > Wait or Task > Get to pick up tasks after an error.',
	});
}

async function submitAll(
	ctx: IExecuteFunctions,
	api: HailuoApi,
	submissions: Submission[],
	results: ItemResults,
	settings: RunSettings,
) {
	const { settled, stoppedBy } = await mapBounded(
		submissions,
		settings.concurrency,
		async (submission) => {
			const { taskId, answer } = await api.submit(submission.body, submission.index);
			submission.taskId = taskId;
			submission.answer = answer;
		},
		{
			// An account-wide refusal fails every item alike; without Continue On Fail
			// any error ends the run. Either way: submit nothing more.
			stopsOn: (error) => !ctx.continueOnFail() || stopsTheRun(error),
			// A cancelled execution submits nothing more either.
			stop: () => ctx.getExecutionCancelSignal()?.aborted === true,
		},
	);
	if (stoppedBy !== undefined && !ctx.continueOnFail()) throw withSubmittedTasks(ctx, stoppedBy, submissions);
	if (ctx.getExecutionCancelSignal()?.aborted) throw withSubmittedTasks(ctx, cancelled(ctx.getNode()), submissions);
	settled.forEach((outcome, position) => {
		if (outcome?.status === 'rejected') results.fail(submissions[position].index, asNodeError(ctx.getNode(), outcome.reason));
	});
}

export async function generate(
	this: IExecuteFunctions,
	operation: VideoOperation,
): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	refuseRetryOnFail(this);
	const completion = this.getNodeParameter('completion', 0, 'poll') as Completion;
	const { settings, api, results, signal } = await startRun(this, completion === 'poll');
	const pause = completion === 'pauseUntilCallback';
	if (pause) assertSingleItem(this, items.length);
	const callbackToResume = pause ? await resumeUrl(this, api.baseUrl) : undefined;
	const download = completion === 'poll' ? readDownload(this, api.baseUrl, settings) : undefined;

	// Every item is checked before the first paid request.
	const submissions: Submission[] = [];
	for (let index = 0; index < items.length; index++) {
		try {
			submissions.push({ index, body: buildRequest(this, index, operation, api.baseUrl, callbackToResume) });
		} catch (error) {
			results.fail(index, error as NodeOperationError);
		}
	}

	await submitAll(this, api, submissions, results, settings);
	const submitted = submissions.filter((s) => s.taskId !== undefined);

	if (completion !== 'poll') {
		for (const s of submitted) {
			const json = settings.simplify
				? simplify({ ...unknownTask(s.taskId as string), model: s.body.model, prompt: s.body.prompt })
				: (s.answer as IDataObject);
			results.set(s.index, json);
		}
		if (pause && submitted.length === 1) await waitForCallback(this, submitted[0].taskId as string, settings.timeoutMs);
		return results.toArray();
	}

	// From here on every task is paid for: whatever stops the run must name them all.
	try {
		const polled = await pollTasks(
			api,
			submitted.map((s) => s.taskId as string),
			{ intervalMs: settings.pollIntervalMs, timeoutMs: settings.timeoutMs, pollFirst: false, createdHere: true, signal },
		);
		const entries = submitted.map((s) => ({ index: s.index, taskId: s.taskId as string }));
		await settleAll(this, results, entries, polled, settings, download);
	} catch (error) {
		throw withSubmittedTasks(this, error, submissions);
	}
	return results.toArray();
}
