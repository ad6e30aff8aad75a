

interface BoundedOptions {
	/** Start nothing new once this says so (e.g. the execution was cancelled). */
	stop?: () => boolean;
	/** An error after which nothing new starts (e.g. a refusal that holds for every item). */
	stopsOn?: (reason: unknown) => boolean;
}

interface BoundedResults<R> {
	/** One outcome per input, in input order; inputs never started after `stoppedBy` carry it as their reason. */
	settled: Array<PromiseSettledResult<R> | undefined>;
	/** The first error `stopsOn` accepted, if any. */
	stoppedBy?: unknown;
}

/**
 * Runs `work` over `inputs` with at most `limit` at a time, in any order, and
 * returns every result in input order. Once told to stop, nothing new starts;
 * what is already under way finishes, so no submitted task goes unrecorded.
 */
export async function mapBounded<T, R>(
	inputs: readonly T[],
	limit: number,
	work: (input: T, position: number) => Promise<R>,
	{ stop = () => false, stopsOn = () => false }: BoundedOptions = {},
): Promise<BoundedResults<R>> {
	const settled: Array<PromiseSettledResult<R> | undefined> = new Array(inputs.length).fill(undefined);
	let stoppedBy: unknown;
	let stopped = false;
	let next = 0;
	async function lane() {
		while (next < inputs.length && !stopped && !stop()) {
			const position = next++;
			try {
				settled[position] = { status: 'fulfilled', value: await work(inputs[position], position) };
			} catch (reason) {
				settled[position] = { status: 'rejected', reason };
				if (!stopped && stopsOn(reason)) {
					stopped = true;
					stoppedBy = reason;
				}
			}
		}
	}
	const lanes = Math.max(1, Math.min(limit, inputs.length));
	await Promise.all(Array.from({ length: lanes }, lane));
	if (!stopped) return { settled };
	return { stoppedBy, settled: settled.map((entry) => entry ?? { status: 'rejected', reason: stoppedBy }) };
}
