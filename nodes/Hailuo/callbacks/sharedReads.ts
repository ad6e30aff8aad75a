import type { IDataObject } from 'n8n-workflow';

import { readTasks } from '../records/polling';
import type { TaskRead } from '../records/polling';
import { BATCH_LIMIT, CREDENTIAL_NAME } from '../transport/apiFacts';
import type { HailuoClient } from '../transport/hailuoClient';

/**
 * Callbacks that arrive together share their verification reads. Up to
 * MAX_IN_FLIGHT reads per credential go out at once; a callback arriving
 * while all are taken waits for the next one, which asks for every waiting
 * task in one retrieve_batch (50 ids at most). A lone callback is read at
 * once, alone, as before; 200 callbacks at once cost a handful of reads, so a
 * batch finishing together does not set off the provider's rate limit
 * against the very callbacks it should confirm.
 */

const MAX_IN_FLIGHT = 4;

interface Waiter {
	api: HailuoClient;
	taskId: string;
	resolve: (record: IDataObject) => void;
	reject: (error: unknown) => void;
}

interface Lane {
	inFlight: number;
	waiting: Waiter[];
}

/** Per credential and Base URL: reads of one account only ever share a request. */
const lanes = new Map<string, Lane>();

function laneOf(api: HailuoClient): Lane {
	const key = `${api.baseUrl} ${api.ctx.getNode().credentials?.[CREDENTIAL_NAME]?.id ?? ''}`;
	let lane = lanes.get(key);
	if (!lane) {
		lane = { inFlight: 0, waiting: [] };
		lanes.set(key, lane);
	}
	return lane;
}

/** Reads the waiters' tasks: a lone one alone, several in one request (see readTasks). */
async function readTogether(batch: Waiter[]) {
	if (batch.length === 1) {
		const [waiter] = batch;
		await waiter.api.retrieve(waiter.taskId).then(waiter.resolve, waiter.reject);
		return;
	}
	let reads: Map<string, TaskRead>;
	try {
		reads = await readTasks(batch[0].api, batch.map((w) => w.taskId));
	} catch (error) {
		for (const waiter of batch) waiter.reject(error);
		return;
	}
	for (const waiter of batch) {
		const read = reads.get(waiter.taskId);
		if (read && 'record' in read) waiter.resolve(read.record);
		else waiter.reject(read?.error);
	}
}

async function run(lane: Lane, batch: Waiter[]) {
	lane.inFlight++;
	try {
		await readTogether(batch);
	} finally {
		lane.inFlight--;
		if (lane.waiting.length > 0) void run(lane, lane.waiting.splice(0, BATCH_LIMIT));
	}
}

/** The task's record, read together with the other callbacks' tasks of the same moment. */
export async function readShared(api: HailuoClient, taskId: string): Promise<IDataObject> {
	const lane = laneOf(api);
	return await new Promise<IDataObject>((resolve, reject) => {
		const waiter: Waiter = { api, taskId, resolve, reject };
		if (lane.inFlight < MAX_IN_FLIGHT) void run(lane, [waiter]);
		else lane.waiting.push(waiter);
	});
}
