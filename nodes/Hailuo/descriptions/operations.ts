import type { IExecuteFunctions, INodeExecutionData, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { SHOWN_IN_NO_VERSION } from '../transport/n8nInternals';

/**
 * An operation of the Hailuo node, said once: everything the panel, the
 * node's subtitle, a model (the node as a tool) and the node's execute() know
 * of it comes from this one entry, so that an operation added to a
 * resource's list is everywhere at once, and one left incomplete does not
 * compile.
 */
export interface Operation {
	/** The parameter's value, kept in saved workflows: never renamed. */
	value: string;
	/** Its label in the Operation list. */
	name: string;
	description: string;
	/** The nodes panel's action (n8n's UX guidelines: sentence case, verb first). */
	action: string;
	/** The node's subtitle on the canvas while this operation is chosen. */
	subtitle: string;
	/** What a model reads of it with the tool description on "Set Automatically" (n8n appends " in Hailuo"). */
	toolText: string;
	run: (this: IExecuteFunctions) => Promise<INodeExecutionData[]>;
}

export interface Resource {
	value: string;
	name: string;
	operations: readonly Operation[];
	/** The operation a new node starts with: the first of the list (a test holds them together). */
	defaultOperation: string;
}

function panelOptions(resource: Resource): INodePropertyOptions[] {
	return resource.operations.map(({ name, value, description, action }) => ({ name, value, description, action }));
}

/**
 * A resource's Operation parameter, and before it a copy that carries the
 * tool texts as its actions. n8n builds a tool's automatic description from
 * the first "operation" parameter of the resource (n8n-workflow's
 * resolveResourceAndOperation, 1.123 and 2.x), whatever it shows; the nodes
 * panel lists the actions of the first one shown in the node's version. The
 * copy is shown in no version: it changes what a model reads, and nothing in
 * the editor.
 */
export function operationParameters(resource: Resource): INodeProperties[] {
	const options = panelOptions(resource);
	const { defaultOperation } = resource;
	return [
		{
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			displayOptions: { show: { resource: [resource.value], ...SHOWN_IN_NO_VERSION } },
			options: resource.operations.map((operation, i) => ({ ...options[i], action: operation.toolText })),
			// Never shown, so never set: the value comes from the Operation parameter the editor shows.
			default: '',
		},
		{
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			displayOptions: { show: { resource: [resource.value] } },
			options,
			default: defaultOperation,
		},
	];
}

/** The Resource parameter; `first` is the resource a new node starts with. */
export function resourceParameter(resources: readonly Resource[], first: string): INodeProperties {
	return {
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: resources.map(({ name, value }) => ({ name, value })),
		default: first,
	};
}

/** The node's subtitle: the chosen operation's label, not its value (e.g. "Text to Video", not "textToVideo: video"). */
export function subtitleOf(resources: readonly Resource[]): string {
	const labels = Object.fromEntries(resources.flatMap((r) => r.operations.map((o) => [o.value, o.subtitle])));
	return `={{ ${JSON.stringify(labels)}[$parameter["operation"]] }}`;
}

/** The operation a run was asked for, or undefined for one this version does not have. */
export function operationOf(resources: readonly Resource[], resource: string, operation: string): Operation | undefined {
	return resources.find((r) => r.value === resource)?.operations.find((o) => o.value === operation);
}
