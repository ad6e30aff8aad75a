import { sleep } from 'n8n-workflow';
import type { IExecuteFunctions } from 'n8n-workflow';

import { isObject } from '../transport/shapes';
import { errorText } from '../transport/nodeErrors';
import { leadsToTrigger, shown } from './callbackUrl';
import { MAX_REGISTERED_PER_REQUEST, registrationBody } from './messages';

/**
 * The Hailuo node telling a Hailuo Trigger which tasks to await: every task
 * the API accepts with a Callback URL that leads to a trigger is registered
 * there, so that the trigger can catch up on it when its callback is lost.
 * Registrations go out while the next items are submitted: the first task
 * at once, then the ids accepted meanwhile together, at most one request a
 * second per URL. Each registration is a webhook request that the n8n which
 * is submitting also answers (it loads the workflow and writes its static
 * data), so fewer of them keep a big batch as fast as one without a
 * trigger. A registration that fails costs nothing paid: it is logged,
 * and the task's callback still works.
 */

const ATTEMPTS = 3;
const RETRY_AFTER_MS = 1_000;
const REQUEST_TIMEOUT_MS = 15_000;
const GATHER_MS = 1_000;

interface Lane {
	pending: string[];
	sending?: Promise<void>;
	/** Ends the gathering pause early: the run is finishing. */
	wake?: () => void;
}

export class TriggerRegistrations {
	private readonly lanes = new Map<string, Lane>();

	private finishing = false;

	constructor(private readonly ctx: IExecuteFunctions) {}

	/** Registers a task the API accepted, when its Callback URL leads to a Hailuo Trigger. */
	add(callbackUrl: unknown, taskId: string) {
		if (!leadsToTrigger(callbackUrl)) return;
		let lane = this.lanes.get(callbackUrl);
		if (!lane) {
			lane = { pending: [] };
			this.lanes.set(callbackUrl, lane);
		}
		lane.pending.push(taskId);
		if (!lane.sending) lane.sending = this.drain(callbackUrl, lane);
	}

	/** Waits until every registration was sent (or given up on, and logged). */
	async done() {
		this.finishing = true;
		for (const lane of this.lanes.values()) lane.wake?.();
		await Promise.all([...this.lanes.values()].map(async (lane) => await lane.sending));
	}

	private async drain(url: string, lane: Lane) {
		while (lane.pending.length > 0) {
			const started = Date.now();
			await this.send(url, lane.pending.splice(0, MAX_REGISTERED_PER_REQUEST));
			await this.gather(lane, GATHER_MS - (Date.now() - started));
		}
		lane.sending = undefined;
	}

	/** Lets the ids of the next second gather, unless the run is finishing. */
	private async gather(lane: Lane, ms: number) {
		if (this.finishing || ms <= 0) return;
		await Promise.race([sleep(ms), new Promise<void>((resolve) => (lane.wake = resolve))]);
		lane.wake = undefined;
	}

	private async send(url: string, taskIds: string[]) {
		let failure = '';
		for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
			try {
				const answer: unknown = await this.ctx.helpers.httpRequest({
					method: 'POST',
					url,
					body: registrationBody(taskIds),
					json: true,
					timeout: REQUEST_TIMEOUT_MS,
				});
				const reason = isObject(answer) && typeof answer.reason === 'string' ? answer.reason : undefined;
				if (reason) this.ctx.logger.warn(`Hailuo: the Hailuo Trigger at ${shown(url)} cannot catch up on task(s) ${taskIds.join(', ')}: ${reason}`);
				else this.ctx.logger.info(`Hailuo: ${taskIds.length} task(s) registered with the Hailuo Trigger at ${shown(url)}`);
				return;
			} catch (error) {
				failure = errorText(error);
				if (attempt < ATTEMPTS) await sleep(RETRY_AFTER_MS);
			}
		}
		this.ctx.logger.warn(
			`Hailuo: task(s) ${taskIds.join(', ')} could not be registered with the Hailuo Trigger at ${shown(url)} (${failure}). ` +
				'Their callbacks still work; if one is lost, the trigger cannot catch up on it: read the task with Task > Get. Is the trigger workflow published (active)?',
		);
	}
}
