import type { IDataObject } from 'n8n-workflow';

/** A JSON object (not an array, not null): what every answer, record and callback body must be. */
export const isObject = (value: unknown): value is IDataObject =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

/** An object with a method of that name (a stream, n8n's custom data): checked before it is called. */
export function hasMethods<K extends string>(value: unknown, ...names: K[]): value is Record<K, (...args: never[]) => unknown> {
	return typeof value === 'object' && value !== null && names.every((name) => name in value && typeof Reflect.get(value, name) === 'function');
}
