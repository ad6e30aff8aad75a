import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { REPEAT_WINDOW_MINUTES, TOOL_ANSWER_SECONDS } from '../run/asTool';

/** What a model reads of each operation when the node is a tool (see docs/ai-tools.md). */

const ANSWERS = `It answers within ${TOOL_ANSWER_SECONDS} seconds: with videoUrl when the video is ready, otherwise with taskId and its state, "pending" or "processing"`;
const DO_NOT_REPEAT = `Do not call this tool again for the same video: the same arguments within ${REPEAT_WINDOW_MINUTES} minutes return the same task, new arguments are billed again. For another version, vary the prompt`;

/**
 * What the model reads of each operation, with the tool description on "Set
 * Automatically": n8n sends "<this text> in Hailuo".
 */
const TOOL_ACTIONS: Record<string, string | undefined> = {
	textToVideo: `Generate a video from a text prompt. Each call is billed and starts one generation, which takes 1 to 2 minutes. ${ANSWERS}; then pass that taskId to the tool that waits for a Hailuo task. ${DO_NOT_REPEAT}`,
	imageToVideo: `Generate a video from a public image URL (the first frame) and a prompt. Each call is billed and starts one generation, which takes 1 to 2 minutes. ${ANSWERS}; then pass that taskId to the tool that waits for a Hailuo task. ${DO_NOT_REPEAT}`,
	wait: `Wait for a video started earlier, given its taskId, and return its videoUrl. Free: reading a task is not billed. ${ANSWERS}; then call this tool again with the same taskId. Never start a new video for a task that is still running`,
	get: 'Read the state of a video task, given its taskId, at once and for free: videoUrl when it is ready, state "pending" or "processing" while it is being made',
	getMany: 'Read the state of up to 50 video tasks, given their taskIds, at once and for free',
};

/** The tool description n8n offers when it is switched to "Set Manually". */
export const TOOL_DESCRIPTION = `${TOOL_ACTIONS.textToVideo}.`;

/**
 * A copy of a resource's Operation parameter that carries the tool texts as
 * its actions. n8n builds a tool's automatic description from the first
 * "operation" parameter of the resource (n8n-workflow's
 * resolveResourceAndOperation, 1.123 and 2.x), whatever it shows; the nodes
 * panel lists the actions of the first one shown in the node's version. This
 * copy is shown in no version: it changes what a model reads, and nothing in
 * the editor.
 */
export function toolActions(resource: string, operations: INodePropertyOptions[]): INodeProperties {
	return {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: [resource], '@version': [0] } },
		options: operations.map((operation) => ({
			...operation,
			action: TOOL_ACTIONS[String(operation.value)] ?? operation.action,
		})),
		// Never shown, so never set: the value comes from the Operation parameter the editor shows.
		default: '',
	};
}
