import { randomUUID } from 'crypto';
import type { IDataObject, INode, IWebhookFunctions } from 'n8n-workflow';

import { TASK_ID_PATTERN } from '../transport/apiFacts';
import { isObject } from '../transport/shapes';

/**
 * What a Hailuo Trigger knows of its tasks, kept in the workflow's static
 * data: which tasks it awaits (registered by the Hailuo node that submitted
 * them, or called back without a verification), which it has started a
 * workflow for, which of those a live catch-up delivers until their
 * execution ends (a lease naming the process), and which ended.
 *
 * n8n offers a webhook no shared atomic store. The static data is read from
 * the database when a request starts and written back whole when the webhook
 * answers, so concurrent requests overwrite each other's changes (the last
 * writer wins). The remedy: every book only ever grows (an entry is added or
 * refreshed, and leaves only by age), each process keeps one live copy of the
 * books per trigger node, and every request puts that same live copy in its
 * static data. Whichever request of a process is written last carries all
 * the process knows at that moment, and what other processes wrote comes in
 * with every read. Copies that reach one process together are told apart in
 * memory, synchronously. Two processes accepting copies of one task in the
 * same instant can still both pass, and an entry written on one process in
 * the instant another process writes can drop out of the database until its
 * own process writes again: docs/callbacks.md.
 *
 * Only webhook requests write here. The catch-up's scheduled part works on
 * the copy of the workflow n8n loaded at activation, so it reaches the
 * trigger's own webhook instead (catchUp.ts, messages.ts).
 */

/** This process, as leases name it: after a restart, a lease of another process is a delivery that may have died with it. */
export const PROCESS_ID = randomUUID();

/** How long a task is awaited: a generation takes minutes; one still running after a day is given up. */
export const GIVE_UP_MS = 24 * 3600 * 1000;
/** How long anything is remembered: past the give-up time, so a late callback is still known as a duplicate. */
const WINDOW_MS = 2 * GIVE_UP_MS;
const MAX_IDS = 5000;

/** Task id -> when. */
type Stamps = Record<string, number>;

interface Books {
	awaited: Stamps;
	started: Stamps;
	/** Task id -> the process delivering it; the lease's age is its `started` stamp. */
	leased: Record<string, string>;
	settled: Stamps;
}

/** Where each book lives in the node's static data (`seenTasks` is the name earlier versions gave the started book). */
const STORED_AS: Record<keyof Books, string> = {
	awaited: 'awaitedTasks',
	started: 'seenTasks',
	leased: 'leasedTasks',
	settled: 'settledTasks',
};

/** Per trigger node (workflow id and node id). */
const live = new Map<string, Books>();
/**
 * Trigger nodes whose books this process changed, or found the database
 * missing part of (another process's write overwrote this one's), since the
 * database last showed all of them: checkWrittenBack (messages.ts) checks them once more.
 */
const unconfirmed = new Set<string>();

/** The key of a trigger node in this process (and of its signatures). */
export function triggerKey(ctx: { getWorkflow(): { id?: string }; getNode(): INode }): string {
	return `${ctx.getWorkflow().id ?? ''}:${ctx.getNode().id}`;
}

function booksOf(ctx: IWebhookFunctions): Books {
	const key = triggerKey(ctx);
	let books = live.get(key);
	if (!books) {
		books = { awaited: {}, started: {}, leased: {}, settled: {} };
		live.set(key, books);
	}
	return books;
}

function mergeStamps(into: Stamps, stored: unknown) {
	if (!isObject(stored)) return;
	for (const [id, at] of Object.entries(stored)) {
		if (typeof at === 'number' && (into[id] === undefined || into[id] < at)) into[id] = at;
	}
}

/** What this process knows of a lease wins: it is the later delivery. */
function mergeLeases(into: Record<string, string>, stored: unknown) {
	if (!isObject(stored)) return;
	for (const [id, by] of Object.entries(stored)) {
		if (typeof by === 'string' && into[id] === undefined) into[id] = by;
	}
}

/** Whether what the database holds has every entry this process knows. */
function holdsAll(books: Books, staticData: IDataObject): boolean {
	const has = (stored: unknown, ids: string[]) => ids.length === 0 || (isObject(stored) && ids.every((id) => id in stored));
	return (Object.keys(STORED_AS) as Array<keyof Books>).every((book) => has(staticData[STORED_AS[book]], Object.keys(books[book])));
}

/** Drops entries past the window and, beyond MAX_IDS, the oldest ones. */
function trim(stamps: Stamps, now: number) {
	const entries = Object.entries(stamps);
	if (entries.length <= MAX_IDS && entries.every(([, at]) => now - at <= WINDOW_MS)) return;
	const kept = new Set(
		entries
			.filter(([, at]) => now - at <= WINDOW_MS)
			.sort((a, b) => b[1] - a[1])
			.slice(0, MAX_IDS)
			.map(([id]) => id),
	);
	for (const [id] of entries) if (!kept.has(id)) delete stamps[id];
}

/**
 * This process's books for the node, with what the request's static data
 * holds merged in, and put into the static data: n8n writes it when the
 * webhook answers, as it is then.
 */
function synced(ctx: IWebhookFunctions): Books {
	const books = booksOf(ctx);
	const staticData: IDataObject = ctx.getWorkflowStaticData('node');
	if (staticData[STORED_AS.started] !== books.started) {
		if (!holdsAll(books, staticData)) unconfirmed.add(triggerKey(ctx));
		mergeStamps(books.awaited, staticData[STORED_AS.awaited]);
		mergeStamps(books.started, staticData[STORED_AS.started]);
		mergeStamps(books.settled, staticData[STORED_AS.settled]);
		mergeLeases(books.leased, staticData[STORED_AS.leased]);
		// Trimming (a sort) waits until a book outgrows its cap; ids past the window are ignored when read.
		const now = Date.now();
		for (const stamps of [books.awaited, books.started, books.settled]) {
			if (Object.keys(stamps).length > MAX_IDS) trim(stamps, now);
		}
		for (const id of Object.keys(books.leased)) if (books.started[id] === undefined) delete books.leased[id];
	}
	staticData[STORED_AS.awaited] = books.awaited;
	staticData[STORED_AS.started] = books.started;
	staticData[STORED_AS.leased] = books.leased;
	staticData[STORED_AS.settled] = books.settled;
	return books;
}

const recent = (at: number | undefined, now: number) => at !== undefined && now - at <= WINDOW_MS;

/** Whether a workflow was already started for this task. Marks nothing: a forged copy must not mark a task. */
export function alreadyStarted(ctx: IWebhookFunctions, taskId: string): boolean {
	return recent(synced(ctx).started[taskId], Date.now());
}

/**
 * Marks a task as started, unless it already is (then false). The check and
 * the mark happen in one synchronous step, so two copies handled by this
 * process at once cannot both claim it. `leaseFor` names the process whose
 * catch-up delivers it and reports when its execution ends.
 */
export function claim(ctx: IWebhookFunctions, taskId: string, leaseFor?: string): boolean {
	const books = synced(ctx);
	const now = Date.now();
	if (recent(books.started[taskId], now)) return false;
	books.started[taskId] = now;
	if (leaseFor !== undefined) books.leased[taskId] = leaseFor;
	if (Object.keys(books.started).length > MAX_IDS) trim(books.started, now);
	unconfirmed.add(triggerKey(ctx));
	return true;
}

/**
 * Takes over the delivery of a task whose lease died with its process: a
 * new lease, so that no other round delivers it again.
 */
function reclaim(books: Books, taskId: string, leaseFor: string, now: number) {
	books.started[taskId] = now;
	books.leased[taskId] = leaseFor;
}

/** Awaits these tasks (those not started yet); returns how many are newly awaited. */
export function awaitTasks(ctx: IWebhookFunctions, taskIds: readonly unknown[]): number {
	const books = synced(ctx);
	const now = Date.now();
	let added = 0;
	for (const id of taskIds) {
		if (typeof id !== 'string' || !TASK_ID_PATTERN.test(id)) continue;
		if (recent(books.started[id], now) || recent(books.awaited[id], now)) continue;
		books.awaited[id] = now;
		added++;
	}
	if (Object.keys(books.awaited).length > MAX_IDS) trim(books.awaited, now);
	if (added > 0) unconfirmed.add(triggerKey(ctx));
	return added;
}

/** Records that these tasks' executions ended; returns how many were named. */
export function settle(ctx: IWebhookFunctions, taskIds: readonly unknown[]): number {
	const books = synced(ctx);
	const now = Date.now();
	for (const id of taskIds) if (typeof id === 'string' && books.leased[id] !== undefined) books.settled[id] = now;
	if (Object.keys(books.settled).length > MAX_IDS) trim(books.settled, now);
	if (taskIds.length > 0) unconfirmed.add(triggerKey(ctx));
	return taskIds.length;
}

/** A task the catch-up should read: awaited and never started, or delivered by a process that is gone. */
export interface DueTask {
	taskId: string;
	/** Since when it is awaited (or was first delivered). */
	since: number;
	redelivery: boolean;
}

/** The tasks a catch-up round of process `requester` reads, once the deliveries it reports `settled` are recorded. */
export function dueTasks(ctx: IWebhookFunctions, requester: string, settled: readonly unknown[]): DueTask[] {
	settle(ctx, settled);
	const books = synced(ctx);
	const now = Date.now();
	const due: DueTask[] = [];
	for (const [taskId, since] of Object.entries(books.awaited)) {
		if (recent(since, now) && !recent(books.started[taskId], now)) due.push({ taskId, since, redelivery: false });
	}
	for (const [taskId, by] of Object.entries(books.leased)) {
		const since = books.started[taskId];
		if (by !== requester && recent(since, now) && books.settled[taskId] === undefined) {
			due.push({ taskId, since: books.awaited[taskId] ?? since, redelivery: true });
		}
	}
	return due;
}

/** What a catch-up round found for a due task: start its workflow, mark it only (its event is not selected), or the API does not know it. */
export interface Finding {
	task: DueTask;
	verdict: 'deliver' | 'ignore' | 'unknown';
}

/**
 * Books what a round of `requester` found, in one step: a task unknown to
 * the API is no longer awaited; the others are marked as delivered, leased
 * when delivered (a redelivery takes the lease over), settled at once when
 * not. Returns the findings this request claimed (another request may have
 * taken a task meanwhile).
 */
export function bookRound<T extends Finding>(ctx: IWebhookFunctions, requester: string, findings: T[]): T[] {
	const claimed = findings.filter((finding) => {
		if (finding.verdict === 'unknown') return forget(ctx, finding.task.taskId);
		return claimDue(ctx, finding.task, requester, finding.verdict === 'deliver');
	});
	if (findings.length > 0) unconfirmed.add(triggerKey(ctx));
	return claimed;
}

function claimDue(ctx: IWebhookFunctions, task: DueTask, requester: string, leased: boolean): boolean {
	if (!task.redelivery) return claim(ctx, task.taskId, leased ? requester : undefined);
	const books = synced(ctx);
	if (books.leased[task.taskId] === requester || books.settled[task.taskId] !== undefined) return false;
	if (leased) reclaim(books, task.taskId, requester, Date.now());
	else books.settled[task.taskId] = Date.now();
	return true;
}

/** Stops awaiting a task without starting anything (the API does not know it). */
function forget(ctx: IWebhookFunctions, taskId: string): true {
	synced(ctx).started[taskId] = Date.now();
	return true;
}

/**
 * Whether this request's trigger node needs another look at the database
 * (this process changed its books, or found them missing there), clearing
 * the mark: whoever asks sees to it.
 */
export function takeUnconfirmed(ctx: IWebhookFunctions): boolean {
	return unconfirmed.delete(triggerKey(ctx));
}
