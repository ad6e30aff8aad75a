import { REPEAT_WINDOW_MINUTES, TOOL_ANSWER_SECONDS } from '../run/asTool';

/** The phrases a model reads in the operations' tool texts (see docs/ai-tools.md); each operation's own text is in its resource's list. */

export const ANSWERS = `It answers within ${TOOL_ANSWER_SECONDS} seconds: with videoUrl when the video is ready, otherwise with taskId and its state, "pending" or "processing"`;
export const DO_NOT_REPEAT = `Do not call this tool again for the same video: the same arguments within ${REPEAT_WINDOW_MINUTES} minutes return the same task, new arguments are billed again. For another version, vary the prompt`;

/** What a generation says of itself: billed, how long, what comes back, what to call next, not to repeat it. */
export function generationText(what: string): string {
	return `${what} Each call is billed and starts one generation, which takes 1 to 2 minutes. ${ANSWERS}; then pass that taskId to the tool that waits for a Hailuo task. ${DO_NOT_REPEAT}`;
}
