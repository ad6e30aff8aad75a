/**
 * The Hailuo node used as an AI Agent tool ("Hailuo Tool"). An agent waits for
 * the tool's answer, so the tool waits less than a workflow does by default,
 * and its description tells the model how long a call takes and what it
 * returns.
 */

export const TOOL_TIMEOUT_SECONDS = 300;

export const TOOL_DESCRIPTION =
	`Generates a short video with Hailuo (MiniMax) from a text prompt (or an image URL and a prompt). A call takes 1 to 2 minutes and returns the video's URL (videoUrl); if the video is not ready within ${TOOL_TIMEOUT_SECONDS / 60} minutes it returns the task ID with state "pending" instead. Every call is billed: call it once per video.`;

/** Whether the node runs as an AI Agent tool: n8n names the tool variant after the node, plus "Tool". */
export function runsAsTool(nodeType: string): boolean {
	return nodeType.endsWith('Tool');
}
