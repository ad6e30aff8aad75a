import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { INode } from 'n8n-workflow';

export type ItemError = NodeApiError | NodeOperationError;

/**
 * The error to throw for whatever a catch block received. Errors the package
 * built already carry their headline, next step and task ids and pass through
 * unchanged; anything else (a cancellation, a bug) becomes a NodeOperationError
 * with its message, so n8n shows it like any node error.
 */
export function asNodeError(node: INode, thrown: unknown): ItemError {
	if (thrown instanceof NodeApiError || thrown instanceof NodeOperationError) return thrown;
	return new NodeOperationError(node, thrown instanceof Error ? thrown : new Error(String(thrown)));
}

/** Thrown when the execution is cancelled while the node waits or retries. */
export function cancelled(node: INode): NodeOperationError {
	return new NodeOperationError(node, 'The execution was cancelled');
}

/** What a thrown value says, for a message: its network code where it has one, else its message. */
export function errorText(thrown: unknown): string {
	if (thrown instanceof Error) {
		const cause: unknown = 'cause' in thrown ? thrown.cause : undefined;
		const code = typeof cause === 'object' && cause !== null && 'code' in cause ? cause.code : undefined;
		return typeof code === 'string' ? code : thrown.message;
	}
	return String(thrown);
}

/** The HTTP status of an API error, as n8n keeps it (text), or undefined for anything else. */
export function httpCodeOf(thrown: unknown): string | undefined {
	return thrown instanceof NodeApiError ? (thrown.httpCode ?? undefined) : undefined;
}
