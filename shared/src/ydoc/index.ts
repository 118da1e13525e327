export * from './session-doc.js';
export * from './session-usage.js';
export * from './user-doc.js';
export * from './writers.js';
