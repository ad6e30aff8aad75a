import { NodeApiError } from 'n8n-workflow';
import type { IDataObject } from 'n8n-workflow';

import type { HailuoApi } from './api';
import { BATCH_LIMIT, CREDENTIAL_NAME } from './constants';

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
	api: HailuoApi;
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

function laneOf(api: HailuoApi): Lane {
	const key = `${api.baseUrl} ${api.ctx.getNode().credentials?.[CREDENTIAL_NAME]?.id ?? ''}`;
	let lane = lanes.get(key);
	if (!lane) {
		lane = { inFlight: 0, waiting: [] };
		lanes.set(key, lane);
	}
	return lane;
}

/** Reads the waiters' tasks in one request; a task the batch answer leaves out is read alone (which tells a 404). */
async function readTogether(batch: Waiter[]) {
	let records = new Map<string, IDataObject>();
	try {
		records = batch.length > 1 ? await batch[0].api.retrieveBatch(batch.map((w) => w.taskId)) : records;
	} catch (error) {
		// A gateway without the batch action refuses it with a 4xx: read one by one then. Anything else holds for all.
		const refusedAction = error instanceof NodeApiError && /^4\d\d$/.test(String(error.httpCode)) && error.httpCode !== '429';
		if (!refusedAction) {
			for (const waiter of batch) waiter.reject(error);
			return;
		}
	}
	await Promise.all(
		batch.map(async (waiter) => {
			const record = records.get(waiter.taskId);
			if (record) return waiter.resolve(record);
			try {
				waiter.resolve(await waiter.api.retrieve(waiter.taskId));
			} catch (error) {
				waiter.reject(error);
			}
		}),
	);
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
export async function readShared(api: HailuoApi, taskId: string): Promise<IDataObject> {
	const lane = laneOf(api);
	return await new Promise<IDataObject>((resolve, reject) => {
		const waiter: Waiter = { api, taskId, resolve, reject };
		if (lane.inFlight < MAX_IN_FLIGHT) void run(lane, [waiter]);
		else lane.waiting.push(waiter);
	});
}
