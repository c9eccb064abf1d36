export * from './define.ts';
export * from './compiled.ts';
export * from './compile.ts';
export * from './errors.ts';
export * from './runtime.ts';
export * from './storage.ts';
