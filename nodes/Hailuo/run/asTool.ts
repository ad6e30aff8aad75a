import { NodeOperationError } from 'n8n-workflow';
import type { ICheckProcessedOptions, IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { requestIdentity } from '../transport/hailuoClient';
import type { GenerateRequest } from '../transport/hailuoClient';
import { isObject } from '../transport/shapes';

/**
 * The Hailuo node used as a tool, by n8n's AI Agent or by an MCP client
 * through n8n's MCP Server Trigger ("Hailuo Tool").
 *
 * A tool call must answer before its caller gives up: MCP clients give a call
 * 60 s (the official SDK's default request timeout), a video takes 1 to 2
 * minutes. So a tool answers within TOOL_ANSWER_SECONDS, with the video or with
 * its task id, and the Task > Wait tool picks the task up. A tool remembers
 * its calls: a repeated call gets the earlier call's task, and all calls
 * together spend at most what the user allows.
 */

/** How long an MCP client waits for a call's answer by default (the official SDK's request timeout). */
export const MCP_CLIENT_TIMEOUT_SECONDS = 60;

/** What a tool call takes at most by default, counted from its start: well inside an MCP client's 60 s. */
export const TOOL_ANSWER_SECONDS = 45;

/** A tool call with the same arguments this soon after another gets that call's task, not a new paid one. */
export const REPEAT_WINDOW_MINUTES = 10;

/** Whether the node runs as a tool: n8n names the tool variant of a node after it, plus "Tool". */
export function runsAsTool(nodeType: string): boolean {
	return nodeType.endsWith('Tool');
}

/** What a tool's pending answer tells the model to do next. */
export function toolPendingHint(taskId: string, startedByThisCall: boolean): string {
	return startedByThisCall
		? `The video is still being generated. To get it, call the tool that waits for a Hailuo task with taskId "${taskId}". Do not call this tool again for it: a new call with other arguments is billed as a new video.`
		: `The video is still being generated. Call this tool again with taskId "${taskId}" to keep waiting.`;
}

// ---- Repeated calls ----

/**
 * Tool calls that repeat an earlier one. A model that calls the generate tool
 * again with the same arguments (after an error, a timeout, or because it
 * lost patience) gets the task the first call started, not a second paid
 * video. Only tool calls: a workflow that submits the same prompt twice wants
 * two videos.
 *
 * Where a tool remembers its calls:
 * - this process's memory, written the moment a call starts submitting: a
 *   repeat that arrives while the first call is still submitting waits for its
 *   task id. Covers regular mode, where every agent and MCP tool call runs.
 * - the workflow's static data, which n8n saves when the execution (or the MCP
 *   request) ends and loads into the next one: covers a repeat that lands on
 *   another process (queue mode workers) or after a restart.
 */

const WINDOW_MS = REPEAT_WINDOW_MINUTES * 60_000;
const STATIC_KEY = 'hailuoToolCalls';

/** What an earlier call with the same arguments did, and how long ago it started. */
type EarlierCall =
	| { kind: 'task'; taskId: string; ageMs: number }
	/** Its submission got no usable answer after it may have reached the API: a video may be on its way. */
	| { kind: 'uncertain'; ageMs: number };

type Submitted = { kind: 'task'; taskId: string } | { kind: 'uncertain' } | { kind: 'none' };

interface Call {
	at: number;
	/** Settles when the first call knows what its submission did. */
	submitted: Promise<Submitted>;
}

/** Calls of every tool in this process, by workflow, node and arguments. */
const calls = new Map<string, Call>();

/**
 * What this process remembers per tool node (key -> task and when), shared
 * by all its calls: each call's copy of the static data is written back
 * whole when its execution ends, so every copy gets everything the process
 * knows, and calls in flight at once cannot drop each other's tasks.
 */
const remembered = new Map<string, IDataObject>();

function rememberedFor(scope: string, stored: unknown): IDataObject {
	let known = remembered.get(scope);
	if (!known) {
		known = {};
		remembered.set(scope, known);
	}
	if (isObject(stored)) {
		for (const [key, value] of Object.entries(stored)) {
			const mine = known[key];
			if (!isObject(value) || typeof value.at !== 'number') continue;
			if (!isObject(mine) || typeof mine.at !== 'number' || mine.at < value.at) known[key] = value;
		}
	}
	return known;
}

function prune(now: number) {
	for (const [key, call] of calls) if (now - call.at > WINDOW_MS) calls.delete(key);
}

export class RepeatedCalls {
	/** This run's claims not yet settled, by key. */
	private readonly claims = new Map<string, (submitted: Submitted) => void>();

	private readonly saved: IDataObject;

	private constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly scope: string,
		/** The node's static data; undefined where n8n offers none. */
		private readonly staticData: IDataObject | undefined,
	) {
		this.saved = rememberedFor(scope, staticData?.[STATIC_KEY]);
	}

	static open(ctx: IExecuteFunctions): RepeatedCalls {
		const workflow = ctx.getWorkflow();
		let staticData: IDataObject | undefined;
		try {
			staticData = ctx.getWorkflowStaticData('node');
		} catch {
			staticData = undefined;
		}
		return new RepeatedCalls(ctx, `${workflow.id ?? ''}:${ctx.getNode().name}`, staticData);
	}

	/** The arguments of a call, as the API receives them (not where the answer goes). */
	private key(body: GenerateRequest): string {
		return `${this.scope}:${requestIdentity(body)}`;
	}

	/**
	 * The task an earlier call with these arguments started within the window.
	 * When there is none, this call claims the arguments at once: a repeat
	 * arriving from now on waits for what this call's submission does. Every
	 * claim ends with accepted(), uncertain(), forget() or release().
	 */
	async earlierOrClaim(body: GenerateRequest): Promise<EarlierCall | undefined> {
		const key = this.key(body);
		for (;;) {
			prune(Date.now());
			const live = calls.get(key);
			if (!live) break;
			const submitted = await live.submitted;
			if (submitted.kind !== 'none') return { ...submitted, ageMs: Date.now() - live.at };
			// That call sent nothing after all: look again (another repeat may have claimed meanwhile).
		}
		const saved = this.saved[key];
		const now = Date.now();
		if (isObject(saved) && typeof saved.taskId === 'string' && typeof saved.at === 'number' && now - saved.at <= WINDOW_MS) {
			return { kind: 'task', taskId: saved.taskId, ageMs: now - saved.at };
		}
		let settle: (submitted: Submitted) => void = () => undefined;
		const submitted = new Promise<Submitted>((resolve) => (settle = resolve));
		calls.set(key, { at: now, submitted });
		this.claims.set(key, settle);
		return undefined;
	}

	accepted(body: GenerateRequest, taskId: string) {
		const key = this.key(body);
		const at = calls.get(key)?.at ?? Date.now();
		this.settle(key, { kind: 'task', taskId }, at);
		this.saved[key] = { taskId, at };
		this.save();
	}

	/** The submission may have created a task whose id never came back: a repeat is refused, not sent. */
	uncertain(body: GenerateRequest) {
		const key = this.key(body);
		this.settle(key, { kind: 'uncertain' }, calls.get(key)?.at ?? Date.now());
	}

	/** The submission created no task, or its task failed: a repeat may try again. */
	forget(body: GenerateRequest) {
		const key = this.key(body);
		this.settle(key, { kind: 'none' });
		delete this.saved[key];
		this.save();
	}

	/** Ends the claims of calls that never got to submit (the run stopped before): a repeat may try again. */
	release() {
		for (const key of [...this.claims.keys()]) this.settle(key, { kind: 'none' });
	}

	/** What a claim became; kept for repeats within the window unless it is "nothing". */
	private settle(key: string, submitted: Submitted, at?: number) {
		if (submitted.kind === 'none' || at === undefined) calls.delete(key);
		else calls.set(key, { at, submitted: Promise.resolve(submitted) });
		this.claims.get(key)?.(submitted);
		this.claims.delete(key);
	}

	/** Says in n8n's log that a call was answered with an earlier call's task. */
	reused(taskId: string, ageMs: number) {
		this.ctx.logger.info(
			`Hailuo tool "${this.ctx.getNode().name}": a call with the same arguments as one ${Math.round(ageMs / 1000)} s ago gets its task ${taskId}; nothing submitted`,
		);
	}

	/** Stores the calls of the window as a new object: n8n saves static data it saw assigned, not changes inside it. */
	private save() {
		if (!this.staticData) return;
		const now = Date.now();
		for (const [key, value] of Object.entries(this.saved)) {
			if (!isObject(value) || typeof value.at !== 'number' || now - value.at > WINDOW_MS) delete this.saved[key];
		}
		this.staticData[STATIC_KEY] = { ...this.saved };
	}
}

/** The explanation a reused task carries, for the model. */
export function repeatHint(taskId: string, ageMs: number): string {
	return `A call with the same arguments ${Math.round(ageMs / 1000)} s ago started task ${taskId}: this is that task, not a new video, and nothing more is billed. For another version, vary the prompt.`;
}

/** A repeat of a call whose submission may have started a video nobody knows the id of. */
export function uncertainRepeat(ctx: IExecuteFunctions, index: number, ageMs: number): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), 'Not submitted: the same call a moment ago may already have started this video', {
		itemIndex: index,
		description: `A call with the same arguments ${Math.round(ageMs / 1000)} s ago got no answer from the Hailuo API after sending; a video may be on its way, and a second one would be billed again. Look for it with Task > Get Many, or vary the prompt to start another video. Identical calls are refused for ${REPEAT_WINDOW_MINUTES} minutes.`,
	});
}

// ---- What all calls may spend ----

/**
 * What a tool node may spend across all its calls: at most `limit` videos
 * per clock hour or UTC day. Max Videos per Run counts one call; an agent in
 * a loop, or anyone holding an MCP server's token, makes many calls.
 *
 * Counted where every process of an n8n sees it: n8n's deduplication store
 * (in the database). Each video takes a numbered place of its period
 * ("<node>:<period>:<n>"); when every place is taken, the call is refused
 * before it pays. Its own row (scope "workflow"), apart from the node's row
 * that the submission ledger writes, so neither overwrites the other's
 * entries. Places are taken one after the other within a process, so the cap
 * is exact there; the store reads and writes a row without a lock, so calls
 * on two processes at the same moment may take the same place (queue mode
 * sends every MCP request to one process, as n8n requires).
 */

export const SPEND_PERIODS = [
	{ name: 'Per Hour', value: 'hour', ms: 3600_000 },
	{ name: 'Per Day (UTC)', value: 'day', ms: 24 * 3600_000 },
] as const;

type Period = (typeof SPEND_PERIODS)[number];

/** Places of past periods are dropped first; more than a year of a daily cap of 50 fits. */
const PLACES: ICheckProcessedOptions = { mode: 'entries', maxEntries: 20_000 };

/** Per tool node and period: the lowest place that may be free, and the queue of this process's claims. */
const nextPlace = new Map<string, number>();
const queues = new Map<string, Promise<unknown>>();

export interface SpendCapSettings {
	limit: number;
	period: string;
}

export class ToolSpendCap {
	private readonly taken: number[] = [];

	/** The store could not be used: this call goes uncounted (said in the log). */
	private uncounted = false;

	private constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly limit: number,
		private readonly period: Period,
		private readonly startedAt: number,
	) {}

	static open(ctx: IExecuteFunctions, settings: SpendCapSettings): ToolSpendCap {
		const period = SPEND_PERIODS.find((p) => p.value === settings.period) ?? SPEND_PERIODS[1];
		const startedAt = Math.floor(Date.now() / period.ms) * period.ms;
		return new ToolSpendCap(ctx, settings.limit, period, startedAt);
	}

	/** Per workflow and node: a copied or imported workflow keeps its nodes' ids, not their count. */
	private get scope(): string {
		return `hailuo-spend:${this.ctx.getWorkflow().id ?? ''}:${this.ctx.getNode().id}:${this.period.value}:${this.startedAt}`;
	}

	/** Takes a place for each of `count` videos, or refuses the call (nothing taken) when there are not enough. */
	async claim(count: number) {
		if (count === 0) return;
		await this.inQueue(async () => {
			let place = nextPlace.get(this.scope) ?? 1;
			while (this.taken.length < count && place <= this.limit) {
				const value = `${this.scope}:${place}`;
				const answer = await this.store(async () => await this.ctx.helpers.checkProcessedAndRecord([value], 'workflow', PLACES));
				if (answer === undefined) return;
				if (answer.new.length === 1) this.taken.push(place);
				place++;
			}
			nextPlace.set(this.scope, place);
		});
		if (this.uncounted) return;
		if (this.taken.length < count) {
			const free = this.taken.length;
			await this.giveBack(free);
			throw this.refusal(count, free);
		}
	}

	/** Gives back the places of `count` videos that were not made (the API created no task). */
	async giveBack(count: number) {
		const places = this.taken.splice(0, count);
		if (places.length === 0) return;
		await this.inQueue(async () => {
			await this.store(async () => await this.ctx.helpers.removeProcessed(places.map((p) => `${this.scope}:${p}`), 'workflow', PLACES));
			nextPlace.set(this.scope, Math.min(nextPlace.get(this.scope) ?? 1, ...places));
		});
	}

	private async inQueue<T>(work: () => Promise<T>): Promise<T> {
		const result = (queues.get(this.scope) ?? Promise.resolve()).then(work);
		queues.set(this.scope, result.catch(() => undefined));
		return await result;
	}

	/**
	 * One store call, tried twice. A store that cannot be used (a workflow not
	 * saved yet, tried in the editor) lets the call go on uncounted, said in the
	 * log, as the submission ledger does: the cap guards a running tool, not a
	 * first try.
	 */
	private async store<T>(call: () => Promise<T>): Promise<T | undefined> {
		try {
			return await call().catch(call);
		} catch (error) {
			this.uncounted = true;
			this.ctx.logger.warn(
				`Hailuo tool "${this.ctx.getNode().name}": n8n's deduplication store could not be used (${error instanceof Error ? error.message : String(error)}), so this call is not counted against 'Max Videos (All Calls)'.`,
			);
			return undefined;
		}
	}

	private refusal(count: number, free: number): NodeOperationError {
		const resets = new Date(this.startedAt + this.period.ms).toISOString().replace('.000Z', 'Z');
		const unit = this.period.value;
		return new NodeOperationError(
			this.ctx.getNode(),
			`Not submitted: this tool has made its ${this.limit} videos for this ${unit} ('Max Videos (All Calls)')`,
			{
				description:
					`${count === 1 ? 'This call asked for a video' : `This call asked for ${count} videos`}, ${free === 0 ? 'none is' : `only ${free} ${free === 1 ? 'is' : 'are'}`} left before ${resets}, when the count starts again. ` +
					"Nothing was paid. If more videos are intended, raise 'Max Videos (All Calls)' in the tool's options. If not, look at who calls the tool: an agent calling it in a loop, or an MCP client holding the server's token.",
			},
		);
	}
}
