import { sleep } from 'n8n-workflow';
import type { IWebhookFunctions } from 'n8n-workflow';

import { CREDENTIAL_NAME } from '../transport/apiFacts';
import { isObject } from '../transport/shapes';
import { errorText } from '../transport/nodeErrors';
import { SIGNATURE_HEADER, signature, signedBody } from './triggerMessages';
import { PROCESS_ID, takeUnconfirmed, triggerKey } from './triggerState';

/**
 * Making sure what a process knows reaches the database. A webhook request
 * writes the whole static data when it answers; when two processes (queue
 * mode's webhook processors) write at once, the last one wins and the
 * other's new entries drop out of the database until its process writes
 * again, and are lost if every process restarts first: a claimed callback
 * would then be delivered again by the catch-up. So, a moment after a
 * request that changed the trigger's books (or found the database behind),
 * the process sends itself one signed, empty request, through the socket the
 * request came in on (a balancer could route it elsewhere): it reads the
 * database, writes back what is missing, and looks again until the database
 * holds everything. One process (regular mode) finds it complete at once.
 */

const AFTER_MS = 1_000;
const pending = new Set<string>();

function ownAddress(ctx: IWebhookFunctions): string | undefined {
	const request = ctx.getRequestObject();
	// A request that did not come over a socket (n8n-core driven by hand) has no address to go back to.
	const socket: unknown = request.socket;
	if (!isObject(socket)) return undefined;
	const { localAddress, localPort } = socket;
	if (typeof localAddress !== 'string' || typeof localPort !== 'number') return undefined;
	const host = localAddress.includes(':') ? `[${localAddress}]` : localAddress;
	return `${request.protocol === 'https' ? 'https' : 'http'}://${host}:${localPort}${request.originalUrl}`;
}

/** Called at the end of every trigger request: schedules the look, when one is due and none is. Never throws. */
export async function checkWrittenBack(ctx: IWebhookFunctions): Promise<void> {
	try {
		await schedule(ctx);
	} catch (error) {
		ctx.logger.debug(`Hailuo Trigger: no write-back check (${errorText(error)})`);
	}
}

async function schedule(ctx: IWebhookFunctions) {
	const key = triggerKey(ctx.getWorkflow().id, ctx.getNode().id);
	if (pending.has(key) || ctx.getMode() === 'manual' || !takeUnconfirmed(ctx)) return;
	if (ctx.getNode().credentials?.[CREDENTIAL_NAME] === undefined) return;
	const url = ownAddress(ctx);
	if (url === undefined) return;
	const credentials = await ctx.getCredentials(CREDENTIAL_NAME);
	const token = typeof credentials.apiToken === 'string' ? credentials.apiToken : '';
	pending.add(key);
	void (async () => {
		await sleep(AFTER_MS);
		pending.delete(key);
		const body = signedBody('settle', PROCESS_ID, []);
		try {
			await ctx.helpers.httpRequest({
				method: 'POST',
				url,
				body,
				json: true,
				headers: { [SIGNATURE_HEADER]: signature(token, key, body) },
				timeout: 30_000,
				skipSslCertificateValidation: true,
			});
		} catch (error) {
			ctx.logger.debug(`Hailuo Trigger: writing back its state failed (${errorText(error)}); the next request writes it`);
		}
	})();
}
