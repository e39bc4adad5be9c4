export * from './codec';
export * from './events';
export * from './client';
