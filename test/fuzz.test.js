/**
 * Fuzzing the code that reads API answers and callbacks: random and mutated
 * JSON never makes it throw anything but the node's own clear errors.
 */
const path = require('node:path');
const dist = (file) => require(path.resolve(__dirname, '../dist/nodes/Hailuo', file));
const { readTask, simplify } = dist('records/taskRecord.js');
const { readAnswer } = dist('transport/hailuoClient.js');
const { readCallback, isRejection } = dist('callbacks/receive.js');

/** A small deterministic PRNG (mulberry32), so a failure can be replayed by its seed. */
function prng(seed) {
	return () => {
		seed |= 0;
		seed = (seed + 0x6d2b79f5) | 0;
		let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const KEYS = ['id', 'task_id', 'trace_id', 'success', 'error', 'data', 'response', 'request', 'finished_at', 'started_at', 'created_at', 'elapsed', 'state', 'video_url', 'code', 'message', 'items', 'count', '__proto__', 'constructor'];
const STATES = ['succeeded', 'failed', 'processing', 'pending', 'error', 'cancelled', 'weird', '', 'SUCCEEDED'];

function randomValue(rand, depth = 0) {
	const pick = rand();
	if (depth > 4 || pick < 0.15) return [null, true, false, 0, -1, 1e308, NaN, Infinity][Math.floor(rand() * 8)];
	if (pick < 0.3) return STATES[Math.floor(rand() * STATES.length)];
	if (pick < 0.4) return ['https://cdn.example/v.mp4', 'javascript:alert(1)', 'http://', '\u0000', 'x'.repeat(1000)][Math.floor(rand() * 5)];
	if (pick < 0.5) return rand() * 2e9;
	if (pick < 0.7) return Array.from({ length: Math.floor(rand() * 4) }, () => randomValue(rand, depth + 1));
	const object = {};
	for (let i = Math.floor(rand() * 6); i > 0; i--) object[KEYS[Math.floor(rand() * KEYS.length)]] = randomValue(rand, depth + 1);
	return object;
}

/** A finished task as the API reports it, with an id of the API's own shape (a mutation starts from something the node accepts). */
const TASK_ID = '05aff65c-1f2b-4a7d-9c1e-1b2c3d4e5f60';
const genuine = {
	id: TASK_ID,
	finished_at: 1736863300.748,
	created_at: 1736863231.588,
	response: { success: true, task_id: TASK_ID, trace_id: 'tr', data: [{ id: 'v', video_url: 'https://cdn.example/v.mp4', state: 'succeeded' }] },
};

function mutate(rand, value) {
	const copy = JSON.parse(JSON.stringify(value));
	const walk = (node) => {
		for (const key of Object.keys(node)) {
			if (rand() < 0.2) node[key] = randomValue(rand);
			else if (node[key] && typeof node[key] === 'object') walk(node[key]);
		}
	};
	walk(copy);
	return copy;
}

const CASES = 4000;

/** The paths in a value that JSON would not carry unchanged. */
function nonJson(value, at = '$') {
	if (value === null || typeof value === 'string' || typeof value === 'boolean') return [];
	if (typeof value === 'number') return Number.isFinite(value) ? [] : [at];
	if (Array.isArray(value)) return value.flatMap((v, i) => nonJson(v, `${at}[${i}]`));
	if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
		return Object.entries(value).flatMap(([k, v]) => (v === undefined ? [] : nonJson(v, `${at}.${k}`)));
	}
	return [at];
}

test(`readTask + simplify survive ${CASES} random and mutated records`, () => {
	const rand = prng(20261125);
	for (let i = 0; i < CASES; i++) {
		const value = i % 2 ? randomValue(rand) : mutate(rand, genuine);
		let item;
		expect(() => (item = simplify(readTask(value)))).not.toThrow();
		expect(['pending', 'processing', 'succeeded', 'failed']).toContain(item.state);
		expect(item.videoUrl === null || /^https?:\/\//.test(item.videoUrl)).toBe(true);
		if (item.state === 'succeeded') expect(item.videoUrl).not.toBeNull();
		if (item.state === 'failed') expect(item.error).toEqual({ code: expect.any(String), message: expect.any(String) });
		// Plain JSON data, as n8n stores an item: no NaN or Infinity (JSON turns them into null), no undefined, no class instances.
		expect(nonJson(item)).toEqual([]);
	}
});

test(`readAnswer classifies ${CASES} random bodies without throwing`, () => {
	const rand = prng(7);
	for (let i = 0; i < CASES; i++) {
		const status = [200, 201, 400, 401, 404, 429, 500, 502, 503][Math.floor(rand() * 9)];
		let text = JSON.stringify(i % 3 ? randomValue(rand) : mutate(rand, genuine));
		if (rand() < 0.3) text = text.slice(0, Math.floor(rand() * text.length));
		if (rand() < 0.1) text = `<html>${text}</html>`;
		let answer;
		expect(() => (answer = readAnswer(status, text, {}))).not.toThrow();
		expect(Boolean(answer.ok) !== Boolean(answer.failure)).toBe(true);
		if (status >= 300) expect(answer.failure).toBeDefined();
	}
});

test(`readCallback accepts or refuses ${CASES} random requests with a 400, never throws; mutated genuine bodies are accepted often enough to fuzz what comes after`, () => {
	const rand = prng(42);
	const accepted = { random: 0, mutated: 0 };
	for (let i = 0; i < CASES; i++) {
		const kind = i % 2 ? 'random' : 'mutated';
		const body = kind === 'random' ? randomValue(rand) : mutate(rand, genuine.response);
		let raw = Buffer.from(JSON.stringify(body) ?? '');
		if (rand() < 0.2) raw = raw.subarray(0, Math.floor(rand() * raw.length));
		const json = rand() < 0.5;
		const ctx = {
			getRequestObject: () => ({ headers: { 'content-length': String(raw.length) }, rawBody: raw }),
			getBodyData: () => (json ? body ?? {} : {}),
		};
		let result;
		expect(() => (result = readCallback(ctx))).not.toThrow();
		if (isRejection(result)) {
			expect(result.status).toBe(400);
		} else {
			accepted[kind]++;
			expect(result.taskId).toBe(result.body.task_id);
			expect(result.taskId).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]{5,127}$/);
		}
	}
	process.stderr.write(`readCallback: ${accepted.mutated} of ${CASES / 2} mutated genuine bodies and ${accepted.random} of ${CASES / 2} random ones accepted\n`);
	expect(accepted.mutated).toBeGreaterThan(CASES / 4);
});

test('the secret comparison accepts only the exact secret, whatever the lengths', () => {
	const { secretMatches } = dist('callbacks/receive.js');
	const rand = prng(99);
	const secret = 's3cret-value';
	expect(secretMatches(secret, secret)).toBe(true);
	for (const given of ['', 's3cret', 's3cret-valuE', `${secret} `, secret.repeat(100), undefined, null, 42, ['s3cret-value']]) {
		expect(secretMatches(secret, given)).toBe(false);
	}
	// Near misses: one character changed, a prefix, or a suffix added.
	for (let i = 0; i < 1000; i++) {
		const at = Math.floor(rand() * secret.length);
		const variants = [
			secret.slice(0, at) + String.fromCharCode(33 + Math.floor(rand() * 90)) + secret.slice(at + 1),
			secret.slice(0, at),
			secret + String.fromCharCode(33 + Math.floor(rand() * 90)),
		];
		for (const given of variants) expect(secretMatches(secret, given)).toBe(given === secret);
	}
});
