import type { IHookFunctions } from 'n8n-workflow';

import { rememberUrl } from './catchUpLoop';

/**
 * The webhook lifecycle n8n calls on activation. The Hailuo API has no
 * webhook registry: each task carries its own callback_url when it is
 * submitted, so there is nothing to create, check or delete at the provider.
 */
export const nothingToRegister = {
	async checkExists(): Promise<boolean> {
		return true;
	},
	async create(): Promise<boolean> {
		return true;
	},
	async delete(): Promise<boolean> {
		return true;
	},
};

/**
 * The Hailuo Trigger's lifecycle: nothing at the provider either, but this is
 * where n8n tells a node its Production URL before its catch-up starts (the
 * catch-up reaches the trigger through it).
 */
export const learnOwnUrl = {
	...nothingToRegister,
	async checkExists(this: IHookFunctions): Promise<boolean> {
		rememberUrl(this);
		return true;
	},
	async create(this: IHookFunctions): Promise<boolean> {
		rememberUrl(this);
		return true;
	},
};
