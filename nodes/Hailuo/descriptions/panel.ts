

/** What the nodes panel says of the Hailuo node and the Hailuo Trigger, shown there as one entry. */
export const PANEL_DESCRIPTION =
	'Generate videos with Hailuo (MiniMax) through the AceData Cloud API, and start workflows when they are ready';
