// The inspector's UI; filled in by the inspector work.
export {};
