

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
