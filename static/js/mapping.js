// stage module: filled in by its owner (see docs/architecture.md)
export {};
