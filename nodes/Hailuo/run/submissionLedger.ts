import { createHash } from 'crypto';
import { NodeOperationError } from 'n8n-workflow';
import type { ICheckProcessedOptions, IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { requestIdentity } from '../transport/hailuoClient';
import type { GenerateRequest } from '../transport/hailuoClient';
import { retriedExecution, runIndex } from '../transport/n8nInternals';
import { isObject } from '../transport/shapes';

/**
 * The submission ledger: every paid submission is kept where the user and a
 * later Retry of the same execution can find it, so that n8n stopping mid-run
 * (a deploy, an out-of-memory kill) neither loses a task id nor pays twice.
 *
 * n8n gives a node no store that is both written during a run and readable
 * back by it (docs/crash-recovery.md has the evidence):
 * - n8n's log: written at once; for people to read.
 * - The node's execution context (getContext('node')): saved with the
 *   execution when it ends, fails or is cancelled, and carried into its Retry;
 *   lost when n8n is killed mid-run.
 * - n8n's deduplication store (checkProcessedAndRecord): written to the
 *   database at once and survives a kill, but keeps hashes only: it can say
 *   "this item was sent", not which task it became.
 * Custom data, static data and saved progress are written only when a node
 * ends; data tables are open to n8n's own Data table nodes only.
 */

/** What a Retry knows of an item that an earlier run of its execution handled. */
type EarlierSubmission =
	| { kind: 'task'; taskId: string }
	/** Sent, but its answer was lost (n8n stopped, or no answer came): a task may exist. */
	| { kind: 'sent' }
	| { kind: 'none' };

/** One item's entry in the node's execution context; no taskId: sent, answer not (yet) known. */
interface Entry {
	taskId?: string;
	execution: string;
}

const CONTEXT_KEY = 'hailuoSubmissions';
/**
 * The execution a chain of Retries starts from, carried in the context: n8n
 * says only which execution a Retry repeats, and two Retries of the same
 * execution know nothing of each other; the chain's marks tell each of them
 * what any of the others sent.
 */
const CHAIN_KEY = 'hailuoRetryChain';
/**
 * How many runs of the node came before its first pass in this execution's
 * data. n8n's run index is not a pass number across a Retry of a run n8n
 * killed: n8n rebuilds that run from its event log with one placeholder run
 * per node that had started (ExecutionRecoveryService, both lines), and the
 * Retry runs the workflow again from its start after them. Kept in the
 * context, it is carried into a Retry of a saved run, where the run index
 * goes on from the saved runs.
 */
const PASS_OFFSET_KEY = 'hailuoPassOffset';
/** n8n trims the oldest marks past this count: three per item sent, so about 25 nights of 200 videos, longer than n8n keeps executions (14 days by default). */
const MARKERS: ICheckProcessedOptions = { mode: 'entries', maxEntries: 15_000 };
/** Markers under this name are found by any Retry, also where n8n does not say which execution it repeats. */
const ANY_EXECUTION = '*';

function readEntry(value: unknown): EarlierSubmission {
	if (!isObject(value)) return { kind: 'none' };
	return typeof value.taskId === 'string' && value.taskId !== '' ? { kind: 'task', taskId: value.taskId } : { kind: 'sent' };
}

/** "Item `key` was sent by execution `execution`, or by a run it repeats." */
function marker(execution: string, key: string): string {
	return `hailuo-sent:${execution}:${key}`;
}

/**
 * "Item `key` was sent by this very run of the node": found when n8n runs the
 * same execution again, as n8n 1.x's queue mode does with a job whose worker
 * died (QUEUE_WORKER_MAX_STALLED_COUNT, 1 by default there; 2.x sets 0).
 */
function runMarker(execution: string, pass: number, key: string): string {
	return `hailuo-sent:${execution}:run${pass}:${key}`;
}

/** This run's pass, counted from the node's first run in the execution's data; the first pass keeps where that is. */
function passOf(ctx: IExecuteFunctions, context: IDataObject, hadEntries: boolean): number {
	const run = runIndex(ctx);
	const stored: unknown = context[PASS_OFFSET_KEY];
	// Entries without an offset were left by a version that numbered passes by run index.
	const offset = typeof stored === 'number' ? stored : hadEntries ? 0 : run;
	context[PASS_OFFSET_KEY] = offset;
	return run - offset;
}

export class SubmissionLedger {
	/** Markers this run wrote (they were not there yet): taken back when the submission certainly created nothing. */
	private readonly written = new Map<string, string[]>();

	/**
	 * False outside an execution: n8n's MCP Server Trigger runs a tool inside
	 * the MCP request, with no execution id (regular mode). No Retry can
	 * repeat such a run, and calls of different requests would share marks.
	 */
	private markersWork: boolean;

	/** Whether this run could have used the marks (inside an execution), before any store failure. */
	private readonly markersWereThere: boolean;

	/** Store calls one at a time: n8n reads and rewrites one row per node, without a lock. */
	private writes: Promise<unknown> = Promise.resolve();

	private readonly execution: string;

	/** Which pass of this node within the execution (a loop runs it several times), counted from 0 also in a Retry. */
	private readonly pass: number;

	/** The execution this Retry repeats, where n8n says; undefined otherwise (and outside a Retry). */
	private readonly retriedExecution: string | undefined;

	/** The execution this run's chain of Retries starts from (itself outside a Retry); undefined where no one says. */
	private readonly chain: string | undefined;

	private constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly entries: Record<string, Entry | undefined>,
		/** A Retry that carries the node's context from the run it repeats: the context is the whole truth. */
		private readonly carried: boolean,
		carriedChain: string | undefined,
		pass: number,
	) {
		const execution: unknown = ctx.getExecutionId();
		this.markersWork = typeof execution === 'string' && execution !== '';
		this.markersWereThere = this.markersWork;
		this.execution = typeof execution === 'string' && execution !== '' ? execution : 'none';
		this.pass = pass;
		const retrying = ctx.getMode() === 'retry';
		this.retriedExecution = retrying ? retriedExecution(ctx) : undefined;
		// A Retry of a run that n8n killed carries the data that run was created with: the chain is still the one it names.
		this.chain = retrying ? (carriedChain ?? this.retriedExecution) : this.execution;
	}

	static open(ctx: IExecuteFunctions): SubmissionLedger {
		// Where a context cannot keep anything (none is offered), the run still goes on: the log and the marks keep the ids.
		const context = typeof ctx.getContext === 'function' ? ctx.getContext('node') : {};
		const existing: unknown = context[CONTEXT_KEY];
		const entries: Record<string, Entry | undefined> = {};
		if (isObject(existing)) {
			for (const [key, value] of Object.entries(existing)) {
				if (isObject(value) && typeof value.execution === 'string') {
					entries[key] = { execution: value.execution, taskId: typeof value.taskId === 'string' ? value.taskId : undefined };
				}
			}
		}
		context[CONTEXT_KEY] = entries;
		const carriedChain: unknown = context[CHAIN_KEY];
		const ledger = new SubmissionLedger(
			ctx,
			entries,
			isObject(existing) && ctx.getMode() === 'retry',
			typeof carriedChain === 'string' && carriedChain !== '' ? carriedChain : undefined,
			passOf(ctx, context, isObject(existing)),
		);
		if (ledger.chain !== undefined) context[CHAIN_KEY] = ledger.chain;
		return ledger;
	}

	/**
	 * An item's identity across runs of an execution: which pass of the node (a
	 * loop runs it several times: each pass is its own submission), the item's
	 * position and what it asks for (not where the answer goes).
	 */
	key(index: number, body: GenerateRequest): string {
		const asked = JSON.stringify([this.pass, index, requestIdentity(body)]);
		return createHash('sha256').update(asked).digest('hex').slice(0, 32);
	}

	/**
	 * What earlier runs of this execution did with these items: a Retry's, or
	 * this same run's when n8n starts it again. What a Retry learns is marked
	 * again under its own execution, so that a Retry of this Retry knows it too.
	 */
	async earlier(keys: string[]): Promise<EarlierSubmission[]> {
		if (keys.length === 0) return [];
		if (!this.markersWork && !this.carried) return keys.map(() => ({ kind: 'none' }));
		// n8n saved the run this Retry repeats: its context says what it did. Else
		// (n8n stopped before it could save anything) only the marks tell what was sent.
		// The context tells of that one run only: an item it never sent may have been
		// sent by another Retry of the same execution, or by the run repeated here if
		// n8n was killed before saving it (then it carries the data it was created with).
		let found = this.carried ? keys.map((key) => readEntry(this.entries[key])) : await this.fromMarkers(keys);
		if (this.carried) {
			const unknown = keys.filter((_, position) => found[position].kind === 'none');
			const marked = await this.fromMarkers(unknown);
			const sentElsewhere = new Set(unknown.filter((_, position) => marked[position].kind === 'sent'));
			found = found.map((entry, position) => (sentElsewhere.has(keys[position]) ? { kind: 'sent' } : entry));
		}
		const known = keys.filter((_, position) => found[position].kind !== 'none');
		for (const key of known) this.entries[key] ??= { execution: this.execution };
		if (known.length > 0 && this.ctx.getMode() === 'retry') await this.mark(known.map((key) => marker(this.execution, key)));
		return found;
	}

	/** The execution whose log lines name what an earlier run sent: the one a Retry repeats (where n8n says), else this one run again. */
	get earlierExecution(): string | undefined {
		return this.ctx.getMode() === 'retry' ? this.retriedExecution : this.execution;
	}

	/** Remembers a task picked up from an earlier run, for the context this run leaves. */
	pickUp(key: string, taskId: string) {
		this.entries[key] = { taskId, execution: this.execution };
	}

	/** Right before an item is sent: from here on no Retry sends it again, unless it certainly created nothing. */
	async beforeSend(key: string) {
		this.entries[key] = { execution: this.execution };
		const created = await this.mark(this.sentMarkers(key));
		if (created.length > 0) this.written.set(key, created);
	}

	accepted(key: string, index: number, taskId: string) {
		this.entries[key] = { taskId, execution: this.execution };
		const workflow = this.ctx.getWorkflow();
		// n8n's log is the one place written at once that people can read after a kill.
		this.ctx.logger.info(
			`Hailuo task ${taskId} accepted for item ${index + 1} (execution ${this.execution}, workflow "${workflow.name ?? ''}" ${workflow.id}, node "${this.ctx.getNode().name}")`,
		);
	}

	/** The submission certainly created no task: the item may be sent again. */
	async notCreated(key: string) {
		this.entries[key] = undefined;
		const created = this.written.get(key);
		this.written.delete(key);
		if (created) await this.store(async () => await this.ctx.helpers.removeProcessed(created, 'node', MARKERS));
	}

	/** The submission got no usable answer after it may have reached the API: a Retry must not send it again. */
	uncertain(index: number) {
		this.ctx.logger.warn(
			`Hailuo: item ${index + 1} of execution ${this.execution} got no usable answer to its submission; a task may exist, so a Retry will not send it again`,
		);
	}

	private async fromMarkers(keys: string[]): Promise<EarlierSubmission[]> {
		if (keys.length === 0) return [];
		const retrying = this.ctx.getMode() === 'retry';
		const looked = new Set(retrying ? [this.retriedExecution ?? ANY_EXECUTION, this.chain ?? ANY_EXECUTION] : []);
		const asked = keys.map((key) => [runMarker(this.execution, this.pass, key), ...[...looked].map((execution) => marker(execution, key))]);
		const answer = await this.store(async () => await this.ctx.helpers.checkProcessedAndRecord(asked.flat(), 'node', MARKERS));
		// A Retry that cannot read the marks cannot tell what was sent: it sends nothing rather than pay twice.
		if (!answer && retrying && this.markersWereThere) throw this.unreadable();
		if (!answer) return keys.map(() => ({ kind: 'none' }));
		// Asking records what was not there: take that back at once.
		if (answer.new.length > 0) {
			await this.store(async () => await this.ctx.helpers.removeProcessed(answer.new, 'node', MARKERS));
			// Marks it could not take back would make every later Retry refuse items never sent.
			if (!this.markersWork && retrying) throw this.unreadable();
		}
		const sent = new Set(answer.processed.map(String));
		return asked.map((values) => (values.some((value) => sent.has(value)) ? { kind: 'sent' } : { kind: 'none' }));
	}

	/** Why a Retry stops before sending anything. */
	private unreadable(): NodeOperationError {
		return new NodeOperationError(this.ctx.getNode(), "Not submitted: this Retry could not read which items were already sent", {
			description:
				"n8n's deduplication store failed twice (see n8n's log), so this Retry cannot tell the items an earlier run sent from those it never sent, and would pay twice. Nothing was submitted. Retry again in a moment; the tasks already made are in n8n's log (\"Hailuo task … accepted for item …\").",
		});
	}

	/**
	 * A task this run created or picked up failed: the item may be sent again
	 * (a new, billed video), by a later loop pass or a Retry. Its marks go, so
	 * that no Retry refuses it as already sent.
	 */
	async taskFailed(key: string) {
		this.entries[key] = undefined;
		this.written.delete(key);
		await this.store(async () => await this.ctx.helpers.removeProcessed(this.sentMarkers(key), 'node', MARKERS));
	}

	/** "Sent", as every later run that may repeat this one looks for it: this run, its execution, the one it repeats and their chain. */
	private sentMarkers(key: string): string[] {
		const executions = [this.execution, ANY_EXECUTION, this.retriedExecution, this.chain].filter((execution) => execution !== undefined);
		return [runMarker(this.execution, this.pass, key), ...new Set(executions.map((execution) => marker(execution, key)))];
	}

	/** Records markers; returns those that were not there before. */
	private async mark(values: string[]): Promise<string[]> {
		const answer = await this.store(async () => await this.ctx.helpers.checkProcessedAndRecord(values, 'node', MARKERS));
		return (answer?.new ?? []).map(String);
	}

	/**
	 * One call to n8n's deduplication store, after the ones before it. When the
	 * store is not there (an unsaved workflow, an n8n without it), the run goes
	 * on, said once in the log: the log line and the context still keep the ids.
	 */
	private async store<T>(call: () => Promise<T>): Promise<T | undefined> {
		if (!this.markersWork) return undefined;
		// Once more on a failure: two executions creating the node's row at the same moment collide on its
		// unique key (seen with n8n's SQLite), and the second attempt then finds the row.
		const result = this.writes.then(call).catch(call);
		this.writes = result.catch(() => undefined);
		try {
			return await result;
		} catch (error) {
			if (this.markersWork) {
				this.markersWork = false;
				this.ctx.logger.warn(
					`Hailuo: n8n's deduplication store could not be used (${error instanceof Error ? error.message : String(error)}); a Retry after n8n stops mid-run will not know which items were sent. Save the workflow to use it.`,
				);
			}
			return undefined;
		}
	}
}
