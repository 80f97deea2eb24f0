// Run in a fresh process: how long importing one module takes (its top-level code included).
const started = performance.now();
await import(process.argv[2]);
console.log(JSON.stringify({ ms: performance.now() - started }));
process.exit(0);
