import { createHash } from 'crypto';
import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, IN8nHttpFullResponse, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { simplify } from '../records/taskRecord';
import { isLocalHost, isOfficialApi } from '../transport/addresses';
import { executionCustomData } from '../transport/n8nInternals';
import { errorText } from '../transport/nodeErrors';
import { isObject } from '../transport/shapes';
import { deliver, readTriggerDownload, refuse } from './answer';
import { receiveCallback, rejected } from './receive';

/**
 * "Pause Until Callback": the node submits with this execution's resume URL as
 * callback_url and puts the execution to wait; nothing polls and no request is
 * held. n8n resumes the execution by calling the node's webhook() with the
 * API's callback.
 *
 * One item per execution: n8n resumes a waiting execution once, and webhook()
 * cannot read what execute() produced before the pause, so it could not know
 * the other items' tasks. Several items are refused before anything is paid.
 */

/**
 * The Hailuo node's webhook lifecycle, which n8n calls on activation. The Hailuo API has no
 * webhook registry: each task carries its own callback_url when it is
 * submitted, so there is nothing to create, check or delete at the provider.
 */
export const nothingToRegister = {
	async checkExists(): Promise<boolean> {
		return true;
	},
	async create(): Promise<boolean> {
		return true;
	},
	async delete(): Promise<boolean> {
		return true;
	},
};

export function assertSingleItem(ctx: IExecuteFunctions, count: number) {
	if (count <= 1) return;
	throw new NodeOperationError(
		ctx.getNode(),
		`Pause Until Callback takes one item per execution; this run has ${count}`,
		{
			description:
				"Nothing was submitted. For many items use Completion 'Wait for the Video (Poll)' (all items are checked in one request per round), or 'Return the Task ID at Once' with a Hailuo Trigger's URL as 'Callback URL', which starts one execution per finished video.",
		},
	);
}

/**
 * Whether a resume URL on this machine reaches n8n's waiting-webhook route:
 * n8n answers it with JSON (the execution is running, or the signature is
 * missing). A queue-mode worker without its webhook URL hands out its own health
 * port instead, which answers a plain 404 page, or nothing at all.
 */
async function reachesN8n(ctx: IExecuteFunctions, url: string): Promise<boolean> {
	try {
		const response: IN8nHttpFullResponse = await ctx.helpers.httpRequest({
			method: 'GET',
			url,
			json: false,
			encoding: 'text',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			// After a Form page in the same execution, n8n 2.x redirects to its form route, which never answers a running execution.
			disableFollowRedirect: true,
			timeout: 5000,
		});
		if (response.statusCode >= 300 && response.statusCode < 400) return /\/form-waiting\//.test(String(response.headers.location ?? ''));
		return isObject(typeof response.body === 'string' ? JSON.parse(response.body) : response.body);
	} catch {
		return false;
	}
}

/** The oldest n8n line the package is tested on; older ones may lack what pausing needs. */
const OLDEST_TESTED_N8N = '1.123';

/**
 * This execution's resume URL, checked before anything is paid for: this n8n
 * can pause and keep the task id, and the API can reach the URL.
 */
export async function resumeUrl(ctx: IExecuteFunctions, baseUrl: string): Promise<string> {
	if (typeof ctx.putExecutionToWait !== 'function' || executionCustomData(ctx) === undefined) {
		throw new NodeOperationError(ctx.getNode(), `Pause Until Callback needs n8n ${OLDEST_TESTED_N8N} or newer`, {
			description:
				"Nothing was submitted. This n8n cannot pause a node's execution and keep its task ID. Update n8n, or use Completion 'Wait for the Video (Poll)'.",
		});
	}
	const url = String(ctx.evaluateExpression('{{ $execution.resumeUrl }}', 0) ?? '');
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		throw new NodeOperationError(ctx.getNode(), 'This n8n has no resume URL for waiting executions', {
			description: 'Pause Until Callback needs n8n\'s webhook URL to be set (N8N_WEBHOOK_URL; WEBHOOK_URL on n8n 1.x).',
		});
	}
	const host = parsed.hostname;
	if (isOfficialApi(baseUrl) && isLocalHost(host)) {
		throw new NodeOperationError(ctx.getNode(), `n8n's resume URL (${host}) cannot be reached by the Hailuo API`, {
			description:
				"Nothing was submitted. Set N8N_WEBHOOK_URL (WEBHOOK_URL on n8n 1.x) to this n8n's public address, or use Completion 'Wait for the Video (Poll)', which needs no public URL.",
		});
	}
	if (isLocalHost(host) && !(await reachesN8n(ctx, url))) {
		throw new NodeOperationError(ctx.getNode(), `n8n's resume URL (${parsed.origin}) does not lead back to n8n`, {
			description:
				"Nothing was submitted. In queue mode, set N8N_WEBHOOK_URL (WEBHOOK_URL on n8n 1.x) on every worker too, to the URL of n8n's webhook processors (the same value as on the main process); a worker without it hands out its own health port. Or use Completion 'Wait for the Video (Poll)'.",
		});
	}
	return url;
}

/**
 * Puts the execution to wait until the API calls back (or the time limit).
 * When the limit passes, n8n continues with the node's input unchanged, so the
 * task id is also kept where a user can find it: the execution's custom data
 * (hailuoTaskId) and n8n's log.
 */
export async function waitForCallback(ctx: IExecuteFunctions, taskId: string, timeoutMs: number) {
	const until = new Date(Date.now() + timeoutMs);
	ctx.logger.info(`Hailuo task ${taskId} submitted; execution waits for its callback until ${until.toISOString()}`);
	try {
		executionCustomData(ctx)?.set('hailuoTaskId', taskId);
	} catch (error) {
		// n8n keeps at most 10 custom data keys and refuses more in editor runs: the log line above still has the id.
		ctx.logger.warn(`Hailuo task ${taskId}: not kept in the execution's custom data (${errorText(error)})`);
	}
	await ctx.putExecutionToWait(until);
}

/** The path that names a waiting execution, e.g. /webhook-waiting/123. */
function executionPath(url: unknown): string | undefined {
	if (typeof url !== 'string') return undefined;
	try {
		return new URL(url).pathname.replace(/\/+$/, '');
	} catch {
		return undefined;
	}
}

/** The query parameter by which a paused execution knows its own task's prompt. */
const PROMPT_MARK = 'hailuoPrompt';

const promptHash = (prompt: string) => createHash('sha256').update(prompt.trim(), 'utf8').digest('hex').slice(0, 16);

/**
 * The callback URL of a pause: the resume URL, marked with the prompt it
 * submits (hashed; n8n keeps extra query parameters on a resume URL), so that
 * the execution can tell its own task from another task of the account.
 */
export function pauseCallbackUrl(resume: string, prompt: string): string {
	const url = new URL(resume);
	url.searchParams.set(PROMPT_MARK, promptHash(prompt));
	return url.toString();
}

/**
 * Whether the called-back task is the one this pause submitted: the API's
 * record of its prompt (its request, else its video) against the mark on the
 * URL. A record without a prompt cannot tell, and is taken.
 */
function ownTask(ctx: IWebhookFunctions, record: IDataObject, outcomePrompt: string | null): boolean {
	const query: unknown = ctx.getQueryData();
	const mark = isObject(query) ? query[PROMPT_MARK] : undefined;
	if (typeof mark !== 'string') return true;
	const requested = isObject(record.request) ? record.request.prompt : undefined;
	const prompt = typeof requested === 'string' ? requested : outcomePrompt;
	return prompt === null || promptHash(prompt) === mark;
}

/** webhook() of a paused node: verify the callback and resume with the task. */
export async function resumeFromCallback(ctx: IWebhookFunctions): Promise<IWebhookResponseData> {
	// Resume URLs carry no signature in n8n 1.x: the task is always read back from the API.
	const reception = await receiveCallback(ctx, { refuse, verify: true });
	if ('answer' in reception) return reception.answer;
	const { record, outcome, baseUrl } = reception.received;
	const submittedTo = executionPath(isObject(record.request) ? record.request.callback_url : undefined);
	const expected = executionPath(ctx.evaluateExpression('{{ $execution.resumeUrl }}'));
	if ((submittedTo !== undefined && expected !== undefined && submittedTo !== expected) || !ownTask(ctx, record, outcome.prompt)) {
		return refuse(ctx, rejected(400, 'This task was not submitted by this execution.'));
	}
	const json = ctx.getNodeParameter('simplify', true) === false ? record : simplify(outcome);
	return await deliver(ctx, { json, pairedItem: { item: 0 } }, outcome, readTriggerDownload(ctx, baseUrl));
}
