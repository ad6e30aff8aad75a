'use strict';
/**
 * An OpenAI-compatible chat model on loopback, played by a script: n8n's
 * OpenAI Chat Model node (base URL in its credential) POSTs
 * /v1/chat/completions, the script answers with tool calls or a final text.
 * Every request is kept, so a test can assert what n8n sent the model: the
 * tools it offered, their descriptions and the tool results.
 */
const http = require('node:http');

/** A chat.completion answer: tool calls ([{ name, args }]) or a final text. */
function completion(reply, n) {
	const message = reply.text !== undefined
		? { role: 'assistant', content: reply.text }
		: {
				role: 'assistant',
				content: null,
				tool_calls: reply.calls.map((call, i) => ({ id: `call_${n}_${i}`, type: 'function', function: { name: call.name, arguments: JSON.stringify(call.args) } })),
			};
	return {
		id: `chatcmpl-${n}`,
		object: 'chat.completion',
		created: Math.floor(Date.now() / 1000),
		model: 'gpt-4o-mini',
		choices: [{ index: 0, message, finish_reason: reply.text !== undefined ? 'stop' : 'tool_calls' }],
		usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
	};
}

/**
 * `script(body, requests)` returns `{ calls: [{ name, args }] }` or `{ text }`
 * for each chat completion request; `requests` is every request so far
 * ({ at, body }), this one last.
 */
async function startScriptedModel(script) {
	const requests = [];
	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', async () => {
			let body;
			try {
				body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
			} catch {
				body = undefined;
			}
			if (req.method !== 'POST' || !req.url.endsWith('/chat/completions') || body === undefined) {
				res.writeHead(404, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ error: { message: `not scripted: ${req.method} ${req.url}` } }));
				return;
			}
			requests.push({ at: Date.now(), body });
			try {
				const reply = await script(body, requests);
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end(JSON.stringify(completion(reply, requests.length)));
			} catch (error) {
				res.writeHead(500, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ error: { message: String(error?.message ?? error) } }));
			}
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${server.address().port}/v1`,
		requests,
		stop: async () => await new Promise((resolve) => server.close(resolve)),
	};
}

/** The tool messages of a request (role "tool"), in order. */
function toolResults(body) {
	return body.messages.filter((m) => m.role === 'tool').map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content)));
}

module.exports = { startScriptedModel, toolResults };
