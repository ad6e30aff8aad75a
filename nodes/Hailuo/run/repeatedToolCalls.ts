import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { requestIdentity } from '../transport/hailuoClient';
import type { GenerateRequest } from '../transport/hailuoClient';
import { isObject } from '../transport/shapes';
import { REPEAT_WINDOW_MINUTES } from './asTool';

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
