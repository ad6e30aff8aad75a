import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { isObject } from '../transport/shapes';
import { MCP_CLIENT_TIMEOUT_SECONDS, TOOL_ANSWER_SECONDS, runsAsTool } from './asTool';
import { InputError } from './inputChecks';
import type { SpendCapSettings } from './asTool';
import { DEFAULTS, LIMITS } from './limits';

/**
 * Settings that apply to a whole run (how to wait, how hard to push the API).
 * They are read from the first item: one run has one polling loop and one
 * concurrency bound, whatever the items say.
 */
export interface RunSettings {
	pollIntervalMs: number;
	timeoutMs: number;
	concurrency: number;
	requestTimeoutMs: number;
	maxRetries: number;
	onTimeout: 'output' | 'error';
	onTaskFailure: 'output' | 'error';
	simplify: boolean;
	/** Submissions one run may make (the spend guard). */
	maxVideos: number;
	/** The node runs as a tool of an AI Agent or an MCP client. */
	asTool: boolean;
	/**
	 * As a tool, when the call must have answered (epoch ms): its Timeout counts
	 * from the start of the call, submission and retries included, not from the
	 * start of the wait.
	 */
	answerBy?: number;
	/** As a tool: what it may spend across all its calls. */
	spendCap?: SpendCapSettings;
}

export function readRunSettings(ctx: IExecuteFunctions, polls: boolean): RunSettings {
	const options = readOptions(ctx, 0);
	const check = new InputError(ctx.getNode(), 0);
	const value = <T>(name: string, fallback: T) => (options[name] === undefined ? fallback : options[name]);
	const pollIntervalSeconds = check.number('Poll Interval', value('pollInterval', DEFAULTS.pollIntervalSeconds), LIMITS.pollIntervalSeconds, 'seconds');
	const asTool = runsAsTool(ctx.getNode().type);
	// A tool reads its own Timeout only: the node's, once added, pre-fills 900 s.
	const timeoutSeconds = asTool
		? check.number('Timeout', value('toolTimeout', TOOL_ANSWER_SECONDS), LIMITS.timeoutSeconds, 'seconds')
		: check.number('Timeout', value('timeout', DEFAULTS.timeoutSeconds), LIMITS.timeoutSeconds, 'seconds');
	if (asTool && timeoutSeconds >= MCP_CLIENT_TIMEOUT_SECONDS) {
		ctx.logger.warn(
			`Hailuo tool "${ctx.getNode().name}": its Timeout (${timeoutSeconds} s) is at or past an MCP client's default request timeout (${MCP_CLIENT_TIMEOUT_SECONDS} s); such a client gives up on the call and never learns the task ID of the video it paid for.`,
		);
	}
	if (polls && pollIntervalSeconds > timeoutSeconds) {
		check.fail('Poll Interval', `${pollIntervalSeconds} s is longer than the timeout (${timeoutSeconds} s)`, 'Use an interval shorter than the timeout, or the node would give up before asking once.');
	}
	return {
		pollIntervalMs: pollIntervalSeconds * 1000,
		timeoutMs: timeoutSeconds * 1000,
		concurrency: Math.floor(check.number('Concurrency', value('concurrency', DEFAULTS.concurrency), LIMITS.concurrency, 'requests')),
		requestTimeoutMs: check.number('Request Timeout', value('requestTimeout', DEFAULTS.requestTimeoutSeconds), LIMITS.requestTimeoutSeconds, 'seconds') * 1000,
		maxRetries: Math.floor(check.number('Max Retries', value('maxRetries', DEFAULTS.maxRetries), LIMITS.maxRetries, 'retries')),
		onTimeout: value('onTimeout', 'output') === 'error' ? 'error' : 'output',
		onTaskFailure: value('onTaskFailure', 'output') === 'error' ? 'error' : 'output',
		simplify: ctx.getNodeParameter('simplify', 0, true) !== false,
		maxVideos: Math.floor(check.number('Max Videos per Run', value('maxVideos', DEFAULTS.maxVideosPerRun), LIMITS.maxVideosPerRun, 'videos')),
		asTool,
		answerBy: asTool ? Date.now() + timeoutSeconds * 1000 : undefined,
		spendCap: asTool
			? {
					limit: Math.floor(check.number('Max Videos (All Calls)', value('toolMaxVideos', DEFAULTS.toolMaxVideos), LIMITS.toolMaxVideos, 'videos')),
					period: String(value('toolMaxVideosPeriod', DEFAULTS.toolMaxVideosPeriod)),
				}
			: undefined,
	};
}

/** How long a wait that starts now may last: the Timeout, or as a tool what is left of the call's. */
export function waitBudgetMs(settings: RunSettings): number {
	return settings.answerBy === undefined ? settings.timeoutMs : Math.max(0, settings.answerBy - Date.now());
}

/** An item's Options collection (a collection parameter is always an object; anything else reads as none set). */
export function readOptions(ctx: IExecuteFunctions, index: number): IDataObject {
	const options: unknown = ctx.getNodeParameter('options', index, {});
	return isObject(options) ? options : {};
}
