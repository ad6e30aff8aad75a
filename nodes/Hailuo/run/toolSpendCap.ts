import { NodeOperationError } from 'n8n-workflow';
import type { ICheckProcessedOptions, IExecuteFunctions } from 'n8n-workflow';

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
