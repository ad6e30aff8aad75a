'use strict';
/**
 * The error codes the provider documents for /hailuo/videos (contract,
 * section 3), with the status it sends them with and its own example message.
 * The simulator answers with these bodies; tests iterate the rows.
 * token_mismatched comes as 400 or 401: `statuses` lists both, `status` is the
 * one used when a test does not pick.
 */
const PROVIDER_ERRORS = {
	bad_request: { status: 400, message: 'model is invalid.' },
	no_token: { status: 400, message: 'No token specified for the request.' },
	disabled: {
		status: 400,
		message:
			'Your application has been disabled by Ace Data Cloud due to abnormal usage behavior, please contact our support to get more information.',
	},
	token_mismatched: { status: 400, statuses: [400, 401], message: 'token and api does not match.' },
	invalid_token: { status: 401, message: 'The specified token is invalid or wrong.' },
	token_expired: { status: 401, message: 'token expired.' },
	used_up: {
		status: 403,
		message: 'Your balance is not sufficient for current request, please buy more in Ace Data Cloud.',
	},
	no_api: { status: 404, message: 'API does not exist, please make sure url is correct.' },
	too_many_requests: { status: 429, message: 'You have exceeded the rate limit.' },
	api_error: { status: 500, message: 'Internal server error.' },
};

/** The final result of a task the provider accepted but had no capacity for. */
const noChannelMessage = (model) => `no channel available for ${model}`;

module.exports = { PROVIDER_ERRORS, noChannelMessage };
