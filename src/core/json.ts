// JSON as it travels: what the report's configs and settings hold, and what a sidecar file parses to.

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
