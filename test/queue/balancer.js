'use strict';
/**
 * The load balancer in front of the webhook processors: round robin over the
 * targets that are up, counting requests per target, so a test can tell
 * which processor took a callback. WEBHOOK_URL points here on every process.
 */
const http = require('node:http');

function createBalancer() {
	let targets = [];
	let next = 0;
	const counts = new Map();
	const sockets = new Set();
	let server;

	function forward(req, res, attempt = 0) {
		if (targets.length === 0) {
			res.writeHead(502).end('no webhook processor');
			return;
		}
		const target = targets[next++ % targets.length];
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => send(target, Buffer.concat(chunks)));

		function send(to, body) {
			const upstream = http.request(`${to}${req.url}`, { method: req.method, headers: { ...req.headers, host: new URL(to).host } }, (answer) => {
				counts.set(to, (counts.get(to) ?? 0) + 1);
				res.writeHead(answer.statusCode, answer.headers);
				answer.pipe(res);
			});
			upstream.on('error', () => {
				// A processor that is restarting: the next one takes the request, as a balancer's health check would.
				if (attempt + 1 < targets.length) {
					const other = targets[next++ % targets.length];
					attempt++;
					send(other, body);
				} else if (!res.headersSent) res.writeHead(502).end('webhook processors unreachable');
			});
			upstream.end(body);
		}
	}

	return {
		counts,
		setTargets(urls) {
			targets = [...urls];
		},
		get url() {
			return `http://127.0.0.1:${server.address().port}`;
		},
		async start(port = 0) {
			server = http.createServer((req, res) => forward(req, res));
			server.on('connection', (socket) => {
				sockets.add(socket);
				socket.on('close', () => sockets.delete(socket));
			});
			await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
			return this.url;
		},
		async stop() {
			for (const socket of sockets) socket.destroy();
			if (server) await new Promise((resolve) => server.close(() => resolve()));
		},
	};
}

module.exports = { createBalancer };
