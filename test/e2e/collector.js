'use strict';
/**
 * The user's own service at the end of a workflow: an HTTP endpoint on
 * loopback that counts what reached it, per task id. What it received is what
 * reached the downstream nodes, whatever n8n's executions list says (a
 * crashed execution keeps nothing).
 */
const http = require('node:http');
const { node } = require('./workflows');

async function startCollector() {
	const received = [];
	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => {
			try {
				received.push({ at: Date.now(), ...JSON.parse(Buffer.concat(chunks).toString('utf8')) });
			} catch {
				received.push({ at: Date.now(), invalid: true });
			}
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end('{"ok":true}');
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${server.address().port}/videos`;
	return {
		url,
		received,
		/** How many times each task id reached the service. */
		countOf(taskId) {
			return received.filter((r) => r.taskId === taskId).length;
		},
		async close() {
			server.closeAllConnections?.();
			await new Promise((resolve) => server.close(resolve));
		},
	};
}

/** n8n's HTTP Request node posting the task id (and who delivered it) to the collector. */
function postToCollector(url, name = 'Send to Service') {
	return node(name, 'n8n-nodes-base.httpRequest', {
		method: 'POST',
		url,
		sendBody: true,
		bodyParameters: {
			parameters: [
				{ name: 'taskId', value: '={{ $json.taskId }}' },
				{ name: 'deliveredBy', value: '={{ $json.deliveredBy }}' },
				{ name: 'state', value: '={{ $json.state }}' },
			],
		},
		options: {},
	}, { typeVersion: 4.2 });
}

/** n8n's Wait node, a few seconds in memory: the moment a kill catches the execution mid-run. */
function pause(seconds, name = 'Work') {
	return node(name, 'n8n-nodes-base.wait', { resume: 'timeInterval', amount: seconds, unit: 'seconds' }, { typeVersion: 1.1, webhookId: require('node:crypto').randomUUID() });
}

module.exports = { startCollector, postToCollector, pause };
