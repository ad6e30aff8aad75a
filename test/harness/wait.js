/** Resolves when `predicate()` holds, or fails after `ms`. */
async function waitFor(predicate, ms = 5000, what = 'condition') {
	const end = Date.now() + ms;
	while (!(await predicate())) {
		if (Date.now() > end) throw new Error(`${what} not met within ${ms} ms`);
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

module.exports = { waitFor };
