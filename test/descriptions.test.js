/**
 * What the editor shows agrees with what the node does: n8n's linter wants
 * literal defaults in parameter descriptions, so the option fields repeat the
 * numbers the node falls back to (run/limits.ts); this holds them together.
 * Also: the credential the nodes ask for is the credential type there is.
 */
const path = require('node:path');

const DIST = path.resolve(__dirname, '..', 'dist');
const { Hailuo } = require(path.join(DIST, 'nodes/Hailuo/Hailuo.node.js'));
const { HailuoTrigger } = require(path.join(DIST, 'nodes/Hailuo/HailuoTrigger.node.js'));
const { HailuoApi } = require(path.join(DIST, 'credentials/HailuoApi.credentials.js'));
const { DEFAULTS, LIMITS } = require(path.join(DIST, 'nodes/Hailuo/run/limits.js'));
const { CREDENTIAL_NAME } = require(path.join(DIST, 'nodes/Hailuo/transport/apiFacts.js'));

const NODE = new Hailuo().description;

/** Every copy of an option field in the node's Options collections, by name. */
function optionFields(name) {
	return NODE.properties.filter((p) => p.type === 'collection').flatMap((c) => c.options.filter((o) => o.name === name));
}

test.each([
	['pollInterval', 'pollIntervalSeconds'],
	['timeout', 'timeoutSeconds'],
	['concurrency', 'concurrency'],
	['maxVideos', 'maxVideosPerRun'],
	['requestTimeout', 'requestTimeoutSeconds'],
	['maxRetries', 'maxRetries'],
	['toolMaxVideos', 'toolMaxVideos'],
])('option %s shows the default and the bounds the node uses (%s)', (field, key) => {
	const copies = optionFields(field);
	expect(copies.length).toBeGreaterThan(0);
	for (const copy of copies) {
		expect(copy.default).toBe(DEFAULTS[key]);
		expect(copy.typeOptions.minValue).toBe(LIMITS[key].min);
		if (copy.typeOptions.maxValue !== undefined) expect(copy.typeOptions.maxValue).toBe(LIMITS[key].max);
	}
});

test("the tool's Timeout and Max Videos Period show the defaults the node uses", () => {
	const { TOOL_ANSWER_SECONDS } = require(path.join(DIST, 'nodes/Hailuo/run/asTool.js'));
	for (const copy of optionFields('toolTimeout')) expect(copy.default).toBe(TOOL_ANSWER_SECONDS);
	for (const copy of optionFields('toolMaxVideosPeriod')) expect(copy.default).toBe(DEFAULTS.toolMaxVideosPeriod);
	expect(optionFields('toolTimeout').length * optionFields('toolMaxVideosPeriod').length).toBeGreaterThan(0);
});

test('both nodes ask for the credential type the package defines', () => {
	expect(new HailuoApi().name).toBe(CREDENTIAL_NAME);
	for (const description of [NODE, new HailuoTrigger().description]) {
		expect(description.credentials.map((c) => c.name)).toEqual([CREDENTIAL_NAME]);
	}
});
