import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { DEFAULTS, LIMITS } from './constants';
import { InputError } from './validation';

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
}

export function readRunSettings(ctx: IExecuteFunctions): RunSettings {
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const check = new InputError(ctx.getNode(), 0);
	const value = <T>(name: string, fallback: T) => (options[name] === undefined ? fallback : options[name]);
	const pollIntervalSeconds = check.number('Poll Interval', value('pollInterval', DEFAULTS.pollIntervalSeconds), LIMITS.pollIntervalSeconds, 'seconds');
	const timeoutSeconds = check.number('Timeout', value('timeout', DEFAULTS.timeoutSeconds), LIMITS.timeoutSeconds, 'seconds');
	if (pollIntervalSeconds > timeoutSeconds) {
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
	};
}
