export * from './api-error.js';
export * from './orrery-client.js';
export * from './routes.js';
export * from './transport.js';
