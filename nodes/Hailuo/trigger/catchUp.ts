import type { IDataObject, INodeExecutionData, IRun, ITriggerFunctions, ITriggerResponse, IWebhookFunctions } from 'n8n-workflow';

import { attachVideo, readTriggerDownload } from '../callbacks/answer';
import { readTask } from '../records/taskRecord';
import { sleepUnlessAborted } from '../transport/n8nInternals';
import { errorText } from '../transport/nodeErrors';
import { isObject } from '../transport/shapes';
import { triggerKey } from './books';
import { whyNotVerified } from './item';
import { credentialChosen, sendToOwnWebhook } from './messages';
import type { SignedKind } from './messages';

/**
 * The Hailuo Trigger's catch-up, on the process where n8n runs its triggers
 * (the only main in regular mode, the leader in queue mode). At an interval
 * it asks the trigger's own webhook for the awaited tasks that ended (the
 * webhook reads and claims them: messages.ts) and starts one execution
 * per task, as its callback would have. It also delivers the callbacks this
 * process receives. Each delivery holds a lease until n8n reports its
 * execution ended; a lease of a process that died (n8n killed mid-run) is
 * delivered again by the next process's catch-up: at least once.
 *
 * It writes no static data itself: the workflow it was given was loaded at
 * activation, and saving that copy would overwrite what webhook requests
 * saved since.
 */

/** The first round after activation: soon, so that what n8n missed while down arrives within seconds of its start. */
const FIRST_ROUND_MS = 15_000;
/** After a round that could not reach the webhook (n8n still starting). */
const RETRY_ROUND_MS = 15_000;
/** A round reads at most 4 requests of 50 tasks with retries; leave it time. */
const ROUND_TIMEOUT_MS = 180_000;
const DELIVERIES_AT_ONCE = 5;

export const DEFAULT_CATCH_UP_MINUTES = 5;

/** A task to start the workflow for, read from the API. */
export interface HandOver {
	taskId: string;
	record: IDataObject;
	json: IDataObject;
	/** Where the task was read, for the download's address rule. */
	baseUrl: string;
	/** Why its video is not downloaded, when it was not read back from the API. */
	notVerified?: string;
}

interface LiveCatchUp {
	deliver(task: HandOver): void;
}

/** Per trigger node: the catch-up running in this process. */
const running = new Map<string, LiveCatchUp>();

/** The catch-up of this trigger node, when it runs in this process (then it delivers this process's callbacks too). */
export function liveCatchUp(ctx: IWebhookFunctions): LiveCatchUp | undefined {
	if (ctx.getMode() === 'manual') return undefined;
	return running.get(triggerKey(ctx));
}

function caughtUpTasks(report: IDataObject, baseUrl: string): HandOver[] {
	const list = Array.isArray(report.caughtUp) ? report.caughtUp : [];
	return list.filter(isObject).flatMap((entry) => {
		const { taskId, record, json } = entry;
		return typeof taskId === 'string' && isObject(record) && isObject(json) ? [{ taskId, record, json, baseUrl }] : [];
	});
}

function count(value: unknown): number {
	return typeof value === 'number' ? value : Array.isArray(value) ? value.length : 0;
}

class CatchUp implements LiveCatchUp {
	private readonly key: string;
	private readonly stop = new AbortController();
	/** Tasks whose executions ended, not yet recorded by the webhook. */
	private settled: string[] = [];
	private settling = false;
	private active = 0;
	private queue: HandOver[] = [];
	/** The last failure logged: a webhook that stays unreachable is logged once, not every 15 s. */
	private lastFailure = '';

	constructor(
		private readonly ctx: ITriggerFunctions,
		private readonly intervalMs: number,
	) {
		this.key = triggerKey(ctx);
	}

	start(): ITriggerResponse {
		running.set(this.key, this);
		void this.loop();
		return {
			closeFunction: async () => {
				this.stop.abort();
				if (running.get(this.key) === this) running.delete(this.key);
			},
		};
	}

	private async loop() {
		let waitMs = FIRST_ROUND_MS;
		while (!this.stop.signal.aborted) {
			try {
				await sleepUnlessAborted(waitMs, this.stop.signal);
			} catch {
				return;
			}
			if (this.stop.signal.aborted) return;
			waitMs = (await this.round()) ? this.intervalMs : Math.min(this.intervalMs, RETRY_ROUND_MS);
		}
	}

	private async send(kind: SignedKind, settled: string[]): Promise<IDataObject> {
		return await sendToOwnWebhook(this.ctx, kind, settled, ROUND_TIMEOUT_MS);
	}

	/** One round: returns false when the webhook could not be asked (tried again soon). */
	private async round(): Promise<boolean> {
		const settled = this.settled.splice(0);
		let report: IDataObject;
		try {
			report = await this.send('catchUp', settled);
		} catch (error) {
			this.settled.push(...settled);
			const failure = errorText(error);
			if (failure !== this.lastFailure) {
				this.ctx.logger.warn(`${this.name()} catch-up could not reach its own webhook: ${failure}. Trying again every ${RETRY_ROUND_MS / 1000} s.`);
			}
			this.lastFailure = failure;
			return false;
		}
		this.lastFailure = '';
		const tasks = caughtUpTasks(report, typeof report.baseUrl === 'string' ? report.baseUrl : '');
		for (const task of tasks) this.deliver(task);
		this.log(report, tasks);
		return true;
	}

	private name() {
		return `Hailuo Trigger "${this.ctx.getNode().name}" (workflow ${this.ctx.getWorkflow().id ?? ''})`;
	}

	private log(report: IDataObject, tasks: HandOver[]) {
		const due = count(report.due);
		if (due === 0) return;
		const gaveUp = Array.isArray(report.gaveUp) ? report.gaveUp.map(String) : [];
		const unknown = Array.isArray(report.unknown) ? report.unknown.map(String) : [];
		const started = tasks.map((t) => t.taskId);
		this.ctx.logger.info(
			`${this.name()} catch-up: ${due} task(s) awaited, read in ${count(report.readRequests)} request(s); ` +
				`started ${started.length}${started.length > 0 ? ` (${started.join(', ')})` : ''}, ` +
				`ignored ${count(report.ignored)} (event not selected), still awaited ${count(report.stillAwaited)}, ` +
				`given up ${gaveUp.length}, unknown to the API ${unknown.length}` +
				(typeof report.readError === 'string' ? `; a read failed: ${report.readError}` : ''),
		);
		for (const taskId of gaveUp) {
			this.ctx.logger.warn(`${this.name()}: task ${taskId} had not finished a day after it was awaited; the trigger stopped waiting for it (Task > Get reads it later).`);
		}
		for (const taskId of unknown) {
			this.ctx.logger.warn(`${this.name()}: task ${taskId} is unknown to the API for this trigger's credential; it is no longer awaited.`);
		}
	}

	/** Starts the workflow for a task (its video downloaded first, when asked), at most a few at a time. */
	deliver(task: HandOver) {
		this.queue.push(task);
		this.pump();
	}

	private pump() {
		while (this.active < DELIVERIES_AT_ONCE && this.queue.length > 0) {
			const task = this.queue.shift();
			if (task === undefined) return;
			this.active++;
			void this.startWorkflow(task).finally(() => {
				this.active--;
				this.pump();
			});
		}
	}

	private async startWorkflow(task: HandOver) {
		const item: INodeExecutionData = { json: task.json };
		const outcome = { ...readTask(task.record), taskId: task.taskId };
		try {
			await attachVideo(this.ctx, item, outcome, readTriggerDownload(this.ctx, task.baseUrl), task.notVerified);
		} catch (error) {
			item.json.downloadError = errorText(error);
		}
		const done = this.ctx.helpers.createDeferredPromise<IRun>();
		this.ctx.emit([[item]], undefined, done);
		done.promise.then(
			() => this.ended(task.taskId),
			(error: unknown) => {
				this.ctx.logger.error(`${this.name()}: the workflow for task ${task.taskId} could not run: ${errorText(error)}`);
			},
		);
	}

	/**
	 * Records at once that a delivery's execution ended: until the webhook has
	 * it, a kill of n8n makes the next process deliver the task again. One
	 * request at a time; executions ending meanwhile go together in the next.
	 */
	private ended(taskId: string) {
		this.settled.push(taskId);
		if (this.settling) return;
		this.settling = true;
		void (async () => {
			while (this.settled.length > 0) {
				const settled = this.settled.splice(0);
				try {
					await this.send('settle', settled);
				} catch {
					// The next round carries them.
					this.settled.push(...settled);
					break;
				}
			}
			this.settling = false;
		})();
	}
}

/** The trigger's catch-up, when it is on and can read tasks. */
export function startCatchUp(ctx: ITriggerFunctions): ITriggerResponse {
	// "Test this trigger" listens for one call: nothing to catch up on.
	if (ctx.getMode() === 'manual') return {};
	if (!credentialChosen(ctx)) {
		ctx.logger.warn(`Hailuo Trigger "${ctx.getNode().name}" in workflow "${ctx.getWorkflow().name ?? ctx.getWorkflow().id}": ${whyNotVerified(ctx)}`);
		return {};
	}
	if (ctx.getNodeParameter('catchUp', true) !== true) return {};
	const minutes = Number(ctx.getNodeParameter('catchUpInterval', DEFAULT_CATCH_UP_MINUTES));
	const intervalMs = (Number.isFinite(minutes) && minutes > 0 ? minutes : DEFAULT_CATCH_UP_MINUTES) * 60_000;
	return new CatchUp(ctx, intervalMs).start();
}
