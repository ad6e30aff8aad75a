/**
 * Runs `work` over `inputs` with at most `limit` at a time, in any order, and
 * returns every result in input order. Once `stop()` says so, nothing new
 * starts; what is already under way finishes, so no submitted task goes
 * unrecorded.
 */
export async function mapBounded<T, R>(
	inputs: readonly T[],
	limit: number,
	work: (input: T, position: number) => Promise<R>,
	stop: () => boolean = () => false,
): Promise<Array<PromiseSettledResult<R> | undefined>> {
	const results: Array<PromiseSettledResult<R> | undefined> = new Array(inputs.length).fill(undefined);
	let next = 0;
	async function lane() {
		while (next < inputs.length && !stop()) {
			const position = next++;
			try {
				results[position] = { status: 'fulfilled', value: await work(inputs[position], position) };
			} catch (reason) {
				results[position] = { status: 'rejected', reason };
			}
		}
	}
	const lanes = Math.max(1, Math.min(limit, inputs.length));
	await Promise.all(Array.from({ length: lanes }, lane));
	return results;
}
