'use strict';
/**
 * A batch's callbacks as a gateway and a balancer deliver them under load:
 * every task's first copy within the same second; for half of the tasks a
 * second copy at the same moment on the other webhook processor, for the other
 * half a second copy 1 s later there. With one process, both copies go to it.
 */
const { post } = require('./instance');

async function deliverBatch(sim, tasks, urls) {
	const [first, second = first] = urls;
	const half = Math.ceil(tasks.length / 2);
	const together = tasks.slice(0, half);
	const apart = tasks.slice(half);
	const send = (url, taskId) => post(url, sim.finalResult(taskId));
	const answers = await Promise.all([...together.flatMap((id) => [send(first, id), send(second, id)]), ...apart.map((id) => send(first, id))]);
	await new Promise((resolve) => setTimeout(resolve, 1000));
	answers.push(...(await Promise.all(apart.map((id) => send(second, id)))));
	return { answers, together, apart };
}

/** Executions per task id, from the trigger node's output. */
function executionsByTask(executions, triggerName = 'Hailuo Trigger') {
	const byTask = new Map();
	for (const execution of executions) {
		const taskId = execution.data?.resultData?.runData?.[triggerName]?.[0]?.data?.main?.[0]?.[0]?.json.taskId;
		byTask.set(taskId, (byTask.get(taskId) ?? 0) + 1);
	}
	return byTask;
}

/** How many executions got past a node (it output at least one item). */
function pastNode(executions, name) {
	return executions.filter((e) => (e.data?.resultData?.runData?.[name]?.at(-1)?.data?.main?.[0] ?? []).length > 0).length;
}

/** How many executions failed in a node (e.g. Remove Duplicates' first insert racing another execution's). */
function failedIn(executions, name) {
	return executions.filter((e) => e.data?.resultData?.runData?.[name]?.at(-1)?.error !== undefined).length;
}

module.exports = { deliverBatch, executionsByTask, pastNode, failedIn };
