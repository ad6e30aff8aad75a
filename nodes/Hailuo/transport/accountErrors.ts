import { BASE_URL_RULE } from './apiFacts';

/**
 * The provider's error codes that are about the account or the connection,
 * not about one request (contract, section 3). Each has its own next step:
 * pasting another token does not help a disabled application, and a used-up
 * balance is not a token problem. The node's errors and the credential test
 * use the same words.
 */

export const ACCOUNT_CODES = [
	'invalid_token',
	'token_expired',
	'token_mismatched',
	'no_token',
	'disabled',
	'used_up',
	'no_api',
] as const;

type AccountCode = (typeof ACCOUNT_CODES)[number];

interface AccountProblem {
	headline: string;
	nextStep: string;
}

export const ACCOUNT_PROBLEMS: Record<AccountCode, AccountProblem> = {
	invalid_token: {
		headline: 'The Hailuo API rejected the token (invalid_token)',
		nextStep: 'Open the Hailuo API credential and paste a valid token from the AceData Cloud console.',
	},
	token_expired: {
		headline: 'The token has expired (token_expired)',
		nextStep: 'Renew the token in the AceData Cloud console and paste the new one into the Hailuo API credential.',
	},
	token_mismatched: {
		headline: 'The token was made for another service or application (token_mismatched)',
		nextStep: 'Create a token for the Hailuo service in the AceData Cloud console and paste it into the Hailuo API credential.',
	},
	no_token: {
		headline: 'No token reached the Hailuo API (no_token)',
		nextStep:
			'Fill in the API Token of the Hailuo API credential. If it is filled in, a proxy at the Base URL is dropping the Authorization header.',
	},
	disabled: {
		headline: 'The provider has disabled this AceData Cloud application (disabled)',
		nextStep:
			'Contact AceData Cloud support to have the application enabled again, quoting the trace id if one is shown. No change of token helps.',
	},
	used_up: {
		headline: "The account's balance is used up (used_up)",
		nextStep:
			'Top up the balance in the AceData Cloud console. The token is fine; nothing was created or billed for this request.',
	},
	no_api: {
		headline: 'The Base URL has no Hailuo API (no_api)',
		nextStep: `Check the Base URL of the Hailuo API credential: ${BASE_URL_RULE}.`,
	},
};

export function isAccountCode(code: unknown): code is AccountCode {
	return ACCOUNT_CODES.some((known) => known === code);
}
