import type { IDataObject } from 'n8n-workflow';

/** A JSON object (not an array, not null): what every answer, record and callback body must be. */
export const isObject = (value: unknown): value is IDataObject =>
	typeof value === 'object' && value !== null && !Array.isArray(value);
