

/**
 * The Hailuo node used as a tool, by n8n's AI Agent or by an MCP client
 * through n8n's MCP Server Trigger ("Hailuo Tool").
 *
 * A tool call must answer before its caller gives up: MCP clients give a call
 * 60 s (the official SDK's default request timeout), a video takes 1 to 2
 * minutes. So a tool answers within TOOL_ANSWER_SECONDS, with the video or with
 * its task id, and the Task > Wait tool picks the task up.
 */

/** How long an MCP client waits for a call's answer by default (the official SDK's request timeout). */
export const MCP_CLIENT_TIMEOUT_SECONDS = 60;

/** What a tool call takes at most by default, counted from its start: well inside an MCP client's 60 s. */
export const TOOL_ANSWER_SECONDS = 45;

/** A tool call with the same arguments this soon after another gets that call's task, not a new paid one. */
export const REPEAT_WINDOW_MINUTES = 10;

/** Whether the node runs as a tool: n8n names the tool variant of a node after it, plus "Tool". */
export function runsAsTool(nodeType: string): boolean {
	return nodeType.endsWith('Tool');
}

/** What a tool's pending answer tells the model to do next. */
export function toolPendingHint(taskId: string, startedByThisCall: boolean): string {
	return startedByThisCall
		? `The video is still being generated. To get it, call the tool that waits for a Hailuo task with taskId "${taskId}". Do not call this tool again for it: a new call with other arguments is billed as a new video.`
		: `The video is still being generated. Call this tool again with taskId "${taskId}" to keep waiting.`;
}
