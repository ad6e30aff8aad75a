'use strict';
/**
 * A local stand-in for the Hailuo API of the AceData Cloud gateway, faithful to
 * ../shared/hailuo-api.md: Bearer check, the three modes of POST /hailuo/videos
 * (held request, callback, async), retrieve / retrieve_batch on /hailuo/tasks,
 * callbacks, the documented error bodies and mp4 files at video_url.
 *
 * Everything a test needs to provoke is configurable (generation time, failures,
 * rate limits, injected faults, duplicate callbacks) and every request is
 * counted by kind, so a test can prove what the node did on the wire.
 */
const http = require('node:http');
const { randomUUID } = require('node:crypto');
const { videoBytes, streamVideo } = require('./video');
const { PROVIDER_ERRORS, noChannelMessage } = require('./providerErrors');

const DEFAULTS = {
	token: 'sim-token',
	/** ms from submission to the end of a task; a number, [min, max] or (task) => ms */
	generationMs: 300,
	/** share of a task's time spent `pending` before it becomes `processing` */
	pendingShare: 0.2,
	/** probability that a task fails; prompts containing "[fail]" always fail */
	failureRate: 0,
	/**
	 * Tasks accepted, then failed for lack of capacity ("no channel available
	 * for <model>", no data): the next N tasks, a share of all tasks, and every
	 * prompt containing "[no-channel]".
	 */
	noChannelNext: 0,
	noChannelRate: 0,
	/** the field a video entry carries its state in: 'state', or 'status' as the provider may send */
	videoStateField: 'state',
	/** ms the API takes to answer a submission */
	submitLatencyMs: 0,
	/** ms the API takes to answer a status query (retrieve, retrieve_batch), as over the internet */
	queryLatencyMs: 0,
	/** requests per second accepted before answering 429 (0: unlimited) */
	rateLimitPerSecond: 0,
	/** send a Retry-After header (seconds) with 429s; null for none */
	retryAfterSeconds: null,
	/** size of the mp4 served at video_url */
	videoSize: 64 * 1024,
	/** extra copies of every callback (a provider that delivers twice); prompts containing "[twice]" get one more */
	duplicateCallbacks: 0,
	/** ms between a task's end and its callback */
	callbackDelayMs: 0,
	/** cap of ids per retrieve_batch, as other integrations of the provider document */
	batchLimit: 50,
	/** ms the CDN waits before sending a video */
	downloadDelayMs: 0,
	/** host the returned video URLs point at (defaults to the simulator itself) */
	videoBaseUrl: null,
	/** share of tasks whose callback is never sent (the contract: a callback may never come); prompts containing "[no-callback]" never get one */
	noCallbackRate: 0,
};

const FAILED_MESSAGE = 'The video could not be generated: the content was rejected by the moderation filter.';

function createSimulator(options = {}) {
	const config = { ...DEFAULTS, ...options };
	const tasks = new Map();
	const faults = [];
	/** Task ids whose reads answer 500 (a verification that cannot be made), until removed. */
	const failingReads = new Set();
	const sockets = new Set();
	const timers = new Set();
	let counts = emptyCounts();
	let log = [];
	let rateWindow = { second: 0, used: 0 };
	let server;
	let baseUrl;

	function emptyCounts() {
		return {
			submit: 0,
			retrieve: 0,
			retrieveBatch: 0,
			download: 0,
			callbacks: 0,
			unauthorized: 0,
			rateLimited: 0,
			faults: 0,
			other: 0,
			/** most submissions the simulator was answering at the same time */
			maxConcurrentSubmits: 0,
			/** most videos being downloaded at the same time */
			maxConcurrentDownloads: 0,
		};
	}

	const now = () => Date.now();
	const seconds = (ms) => Math.round(ms) / 1000;

	function generationTime(task) {
		const g = config.generationMs;
		if (typeof g === 'function') return g(task);
		if (Array.isArray(g)) return g[0] + Math.random() * (g[1] - g[0]);
		return g;
	}

	function later(ms, fn) {
		const t = setTimeout(() => {
			timers.delete(t);
			fn();
		}, Math.max(0, ms));
		timers.add(t);
		return t;
	}

	function createTask(request) {
		const id = randomUUID();
		const createdAt = now();
		const task = {
			id,
			request,
			createdAt,
			traceId: randomUUID(),
			videoId: randomUUID().replace(/-/g, '').slice(0, 26),
			fails: String(request.prompt ?? '').includes('[fail]') || Math.random() < config.failureRate,
			noChannel: takeNoChannel(request),
			noCallback: String(request.prompt ?? '').includes('[no-callback]') || Math.random() < config.noCallbackRate,
			waiters: [],
		};
		task.durationMs = generationTime(task);
		task.startedAt = createdAt + task.durationMs * config.pendingShare;
		task.finishedAt = createdAt + task.durationMs;
		tasks.set(id, task);
		later(task.durationMs, () => finish(task));
		return task;
	}

	function takeNoChannel(request) {
		if (String(request.prompt ?? '').includes('[no-channel]')) return true;
		if (config.noChannelNext > 0) {
			config.noChannelNext--;
			return true;
		}
		return Math.random() < config.noChannelRate;
	}

	function finish(task) {
		const result = finalResult(task);
		for (const resolve of task.waiters.splice(0)) resolve(result);
		const url = task.request.callback_url;
		if (url && !task.noCallback) {
			const extra = config.duplicateCallbacks + (String(task.request.prompt ?? '').includes('[twice]') ? 1 : 0);
			for (let copy = 0; copy <= extra; copy++) {
				later(config.callbackDelayMs, () => sendCallback(url, result));
			}
		}
	}

	function sendCallback(url, body) {
		counts.callbacks++;
		log.push({ kind: 'callback', at: now(), url, taskId: body.task_id });
		const target = new URL(url);
		const payload = JSON.stringify(body);
		const req = http.request(target, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
		});
		// The API does not retry callbacks (contract section 4): what each one got is only logged.
		req.on('error', (error) => log.push({ kind: 'callbackAnswer', at: now(), taskId: body.task_id, status: error.code ?? 'error' }));
		req.on('response', (res) => {
			log.push({ kind: 'callbackAnswer', at: now(), taskId: body.task_id, status: res.statusCode });
			res.resume();
		});
		req.end(payload);
	}

	function videoUrl(task) {
		return `${config.videoBaseUrl ?? baseUrl}/cdn/${task.id}.mp4`;
	}

	function videoEntry(task, state) {
		return {
			id: task.videoId,
			model: modelOf(task),
			prompt: task.request.prompt ?? '',
			first_image_url: task.request.first_image_url ?? null,
			video_url: state === 'succeeded' ? videoUrl(task) : null,
			[config.videoStateField]: state,
		};
	}

	const modelOf = (task) => task.request.model ?? 'minimax-t2v';

	function finalResult(task) {
		if (task.noChannel) {
			// As seen from the provider: an error, no video entries, no state at all.
			return {
				success: false,
				task_id: task.id,
				trace_id: task.traceId,
				error: { code: 'api_error', message: noChannelMessage(modelOf(task)) },
			};
		}
		if (task.fails) {
			return {
				success: false,
				task_id: task.id,
				trace_id: task.traceId,
				error: { code: 'generation_failed', message: FAILED_MESSAGE },
				data: [videoEntry(task, 'failed')],
			};
		}
		return {
			success: true,
			task_id: task.id,
			trace_id: task.traceId,
			data: [videoEntry(task, 'succeeded')],
		};
	}

	function taskRecord(task) {
		const t = now();
		const record = {
			_id: task.id.replace(/-/g, '').slice(0, 24),
			id: task.id,
			api_id: 'b6d1f0c2-hailuo-videos',
			application_id: 'a-sim-application',
			credential_id: 'c-sim-credential',
			user_id: 'u-sim-user',
			created_at: seconds(task.createdAt),
			trace_id: task.traceId,
			request: task.request,
		};
		if (t >= task.startedAt) record.started_at = seconds(task.startedAt);
		if (t >= task.finishedAt) {
			record.finished_at = seconds(task.finishedAt);
			record.elapsed = seconds(task.finishedAt - task.createdAt);
			record.response = finalResult(task);
		} else if (t >= task.startedAt) {
			// Running tasks carry a partial response: no success flag, no video yet.
			record.response = { task_id: task.id, trace_id: task.traceId, data: [videoEntry(task, 'processing')] };
		}
		return record;
	}

	function errorBody(code, message = PROVIDER_ERRORS[code]?.message ?? 'injected failure', traceId = randomUUID()) {
		return { success: false, error: { code, message }, trace_id: traceId };
	}

	/** The answer to a status fault: a documented code brings its own status and message unless the test sets them. */
	function faultAnswer(fault) {
		const code = fault.code ?? 'api_error';
		const status = fault.status ?? PROVIDER_ERRORS[code]?.status ?? 500;
		const body = fault.body === undefined ? errorBody(code, fault.message, fault.traceId) : fault.body;
		return { status, body };
	}

	function send(res, status, body, headers = {}) {
		const payload = typeof body === 'string' ? body : JSON.stringify(body);
		res.writeHead(status, {
			'content-type': typeof body === 'string' ? 'text/html' : 'application/json',
			'content-length': Buffer.byteLength(payload),
			...headers,
		});
		res.end(payload);
	}

	/**
	 * Faults are matched in order: { on: 'submit'|'videos'|'tasks'|'download'|'api'|'any', kind, times, skip }.
	 * `times` answers (default 1), after letting `skip` matching requests through untouched.
	 */
	function takeFault(kind) {
		const on = (f) => (f.on === 'videos' ? 'submit' : f.on);
		const index = faults.findIndex((f) => on(f) === kind || f.on === 'any' || (f.on === 'api' && kind !== 'download'));
		if (index === -1) return undefined;
		const fault = faults[index];
		if (fault.skip > 0) {
			fault.skip--;
			return undefined;
		}
		fault.times = (fault.times ?? 1) - 1;
		if (fault.times <= 0) faults.splice(index, 1);
		counts.faults++;
		return fault;
	}

	/** Returns true when the fault answered the request itself. */
	async function applyFault(fault, req, res) {
		switch (fault.kind) {
			case 'status': {
				const { status, body } = faultAnswer(fault);
				send(res, status, body, fault.headers);
				log.push({ kind: 'fault', at: now(), path: req.url, status, code: body?.error?.code });
				return true;
			}
			case 'html':
				send(res, fault.status ?? 502, '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>');
				return true;
			case 'empty':
				res.writeHead(fault.status ?? 200, { 'content-length': 0 });
				res.end();
				return true;
			case 'cutJson':
				send(res, fault.status ?? 200, '{"success": true, "task_id": "');
				return true;
			case 'body':
				send(res, fault.status ?? 200, typeof fault.body === 'string' ? fault.body : fault.body);
				return true;
			case 'drop':
				req.socket.destroy();
				return true;
			case 'slow':
				await new Promise((r) => later(fault.ms ?? 5000, r));
				return false;
			default:
				throw new Error(`unknown fault kind ${fault.kind}`);
		}
	}

	function rateLimited() {
		if (!config.rateLimitPerSecond) return false;
		const second = Math.floor(now() / 1000);
		if (rateWindow.second !== second) rateWindow = { second, used: 0 };
		rateWindow.used++;
		return rateWindow.used > config.rateLimitPerSecond;
	}

	async function readJson(req) {
		const chunks = [];
		for await (const chunk of req) chunks.push(chunk);
		const text = Buffer.concat(chunks).toString('utf8');
		try {
			return JSON.parse(text);
		} catch {
			return undefined;
		}
	}

	let submitsInFlight = 0;
	let downloadsInFlight = 0;

	async function handleVideos(req, res, body) {
		counts.submit++;
		submitsInFlight++;
		counts.maxConcurrentSubmits = Math.max(counts.maxConcurrentSubmits, submitsInFlight);
		try {
			if (config.submitLatencyMs) await new Promise((r) => later(config.submitLatencyMs, r));
			return await answerSubmission(res, body);
		} finally {
			submitsInFlight--;
		}
	}

	async function answerSubmission(res, body) {
		if (!body || body.action !== 'generate') {
			return send(res, 400, errorBody('api_not_implemented', `action must be "generate", got ${JSON.stringify(body?.action)}`));
		}
		if (typeof body.prompt !== 'string' || !body.prompt.trim()) {
			return send(res, 400, errorBody('bad_request', 'prompt is required.'));
		}
		const model = body.model ?? 'minimax-t2v';
		if (model.startsWith('minimax-i2v') && !body.first_image_url) {
			return send(res, 400, errorBody('bad_request', `first_image_url is required for ${model}.`));
		}
		if (body.first_image_url && !/^https?:\/\//.test(body.first_image_url)) {
			return send(res, 400, errorBody('bad_request', 'first_image_url is invalid.'));
		}
		const task = createTask(body);
		log.push({ kind: 'submit', at: now(), taskId: task.id, body });
		if (body.callback_url || body.async === true) return send(res, 200, { task_id: task.id });
		// Held request: answer when the video is done.
		const result = await new Promise((resolve) => task.waiters.push(resolve));
		if (!res.destroyed) send(res, 200, result);
	}

	function handleTasks(res, body) {
		const asked = body?.action === 'retrieve' ? [body.id] : Array.isArray(body?.ids) ? body.ids : [];
		if (asked.some((id) => failingReads.has(id))) {
			log.push({ kind: 'fault', at: now(), path: '/hailuo/tasks', status: 500, code: 'api_error' });
			return send(res, 500, errorBody('api_error'));
		}
		if (body?.action === 'retrieve') {
			counts.retrieve++;
			const task = tasks.get(body.id);
			if (!task) return send(res, 404, errorBody('not_found', `task ${body.id} not found`));
			return send(res, 200, taskRecord(task));
		}
		if (body?.action === 'retrieve_batch') {
			counts.retrieveBatch++;
			if (!Array.isArray(body.ids)) return send(res, 400, errorBody('bad_request', 'ids is invalid.'));
			if (body.ids.length > config.batchLimit) {
				return send(res, 400, errorBody('bad_request', `ids is invalid: at most ${config.batchLimit} per batch.`));
			}
			log.push({ kind: 'retrieveBatch', at: now(), ids: body.ids });
			const items = body.ids.map((id) => tasks.get(id)).filter(Boolean).map(taskRecord);
			return send(res, 200, { items, count: items.length });
		}
		counts.other++;
		return send(res, 400, errorBody('api_not_implemented', `unknown action ${JSON.stringify(body?.action)}`));
	}

	async function handleDownload(req, res, id) {
		counts.download++;
		const task = tasks.get(id);
		if (!task || task.fails || task.noChannel || now() < task.finishedAt) return send(res, 404, '<html><body>404 Not Found</body></html>');
		const fault = takeFault('download');
		const size = config.videoSize;
		if (fault?.kind === 'status') return send(res, fault.status, '<html><body>CDN error</body></html>');
		res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': size });
		// A cut connection: promise the full length, then stop half-way.
		const cutAt = fault?.kind === 'drop' ? Math.floor(size / 2) : undefined;
		downloadsInFlight++;
		counts.maxConcurrentDownloads = Math.max(counts.maxConcurrentDownloads, downloadsInFlight);
		try {
			if (config.downloadDelayMs) await new Promise((r) => later(config.downloadDelayMs, r));
			await streamVideo(res, id, size, cutAt);
		} finally {
			downloadsInFlight--;
		}
	}

	async function route(req, res) {
		const url = new URL(req.url, 'http://simulator');
		if (req.method === 'GET' && url.pathname.startsWith('/cdn/') && url.pathname.endsWith('.mp4')) {
			return handleDownload(req, res, url.pathname.slice(5, -4));
		}
		const kind = url.pathname === '/hailuo/videos' ? 'submit' : url.pathname === '/hailuo/tasks' ? 'tasks' : undefined;
		if (req.method !== 'POST' || !kind) {
			counts.other++;
			req.resume();
			return send(res, 404, errorBody('no_api'));
		}
		const auth = req.headers.authorization ?? '';
		if (auth !== `Bearer ${config.token}`) {
			counts.unauthorized++;
			req.resume();
			const noToken = auth.replace(/^Bearer\s*/i, '').trim() === '';
			return noToken ? send(res, 400, errorBody('no_token')) : send(res, 401, errorBody('invalid_token'));
		}
		if (rateLimited()) {
			counts.rateLimited++;
			req.resume();
			const headers = config.retryAfterSeconds == null ? {} : { 'retry-after': String(config.retryAfterSeconds) };
			return send(res, 429, errorBody('too_many_requests'), headers);
		}
		const body = await readJson(req);
		log.push({ kind: 'request', at: now(), path: url.pathname, action: body?.action });
		const fault = takeFault(kind);
		if (fault && (await applyFault(fault, req, res))) {
			// A fault on a submission that the real gateway would have accepted
			// still creates the task when asked (a 5xx or timeout after the fact).
			if (kind === 'submit' && fault.createsTask && body?.action === 'generate') {
				counts.submit++;
				createTask({ ...body, async: true });
			}
			return;
		}
		if (kind === 'submit') return handleVideos(req, res, body);
		if (config.queryLatencyMs) await new Promise((r) => later(config.queryLatencyMs, r));
		return handleTasks(res, body);
	}

	return {
		config,
		get counts() {
			return counts;
		},
		get log() {
			return log;
		},
		get url() {
			return baseUrl;
		},
		tasks,
		failingReads,
		/** Queue a one-shot fault; see takeFault/applyFault for kinds. */
		inject(fault) {
			faults.push({ ...fault });
			return this;
		},
		/** Forget counts, the log and pending faults (not the tasks). */
		resetCounts() {
			counts = emptyCounts();
			log = [];
			faults.length = 0;
		},
		/** Change configuration between tests. */
		set(overrides) {
			Object.assign(config, overrides);
			return this;
		},
		/** The final result of a task, as the API would POST it to a callback URL. */
		finalResult(taskId) {
			const task = tasks.get(taskId);
			return task && finalResult(task);
		},
		/** Make a task end now (tests that do not want to wait). */
		finishNow(taskId) {
			const task = tasks.get(taskId);
			if (!task) return;
			const t = now();
			task.finishedAt = Math.min(task.finishedAt, t);
			task.startedAt = Math.min(task.startedAt, t);
			finish(task);
		},
		videoBytes: (taskId) => videoBytes(taskId, config.videoSize),
		async start(port = 0, host = '127.0.0.1') {
			server = http.createServer((req, res) => {
				route(req, res).catch((error) => {
					if (!res.headersSent) send(res, 500, errorBody('api_error', String(error?.message ?? error)));
					else res.destroy();
				});
			});
			server.keepAliveTimeout = 1000;
			server.on('connection', (socket) => {
				sockets.add(socket);
				socket.on('close', () => sockets.delete(socket));
			});
			await new Promise((resolve, reject) => {
				server.once('error', reject);
				server.listen(port, host, resolve);
			});
			baseUrl = `http://${host}:${server.address().port}`;
			return baseUrl;
		},
		async stop() {
			for (const t of timers) clearTimeout(t);
			timers.clear();
			for (const socket of sockets) socket.destroy();
			if (server) await new Promise((resolve) => server.close(() => resolve()));
			server = undefined;
		},
	};
}

module.exports = { createSimulator, DEFAULTS, PROVIDER_ERRORS };
