/**
 * One request identity: whatever asks "is this the same request?" (a Retry's
 * ledger, a repeated tool call) asks requestIdentity(), which is made from the
 * request the API receives. Every field the simulator received changes the
 * identity, but those that only route the answer; a field the request gains
 * later changes it too, without anyone listing it.
 */
const path = require('node:path');
const { useSimulator, textToVideo } = require('./harness/fixtures');

const { requestIdentity } = require(path.join(__dirname, '..', 'dist/nodes/Hailuo/transport/hailuoClient.js'));

const { sim, run } = useSimulator();

/** The bodies the API received for one Text to Video and one Image to Video item, every option set. */
async function receivedBodies() {
	const callbackUrl = `${sim.url}/elsewhere/callback`;
	await run(textToVideo({ completion: 'submitOnly', model: 'minimax-t2v' }, { callbackUrl }), [{ prompt: 'a fox' }]);
	await run(
		{ resource: 'video', operation: 'imageToVideo', prompt: 'the fox runs', firstImageUrl: 'https://images.acme.io/fox.jpg', completion: 'submitOnly', options: {} },
		[{}],
	);
	return sim.log.filter((e) => e.kind === 'submit').map((e) => e.body);
}

const changed = (value) => (typeof value === 'boolean' ? !value : typeof value === 'number' ? value + 1 : `${value} (other)`);

test('every field the API receives is part of the identity, but where the answer goes', async () => {
	const bodies = await receivedBodies();
	expect(bodies).toHaveLength(2);
	const fields = new Set(bodies.flatMap((b) => Object.keys(b)));
	expect([...fields].sort()).toEqual(['action', 'async', 'callback_url', 'first_image_url', 'model', 'prompt']);
	for (const body of bodies) {
		for (const field of Object.keys(body)) {
			const same = requestIdentity({ ...body, [field]: changed(body[field]) }) === requestIdentity(body);
			expect({ field, same }).toEqual({ field, same: ['callback_url', 'async'].includes(field) });
		}
	}
});

test('a field the request gains (a newer model\'s duration or resolution) changes the identity, in any order of the keys', async () => {
	const [body] = await receivedBodies();
	expect(requestIdentity({ ...body, duration: 6 })).not.toBe(requestIdentity(body));
	expect(requestIdentity({ ...body, resolution: '1080P' })).not.toBe(requestIdentity({ ...body, resolution: '768P' }));
	const reversed = Object.fromEntries(Object.entries(body).reverse());
	expect(requestIdentity(reversed)).toBe(requestIdentity(body));
});
