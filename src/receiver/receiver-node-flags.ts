/**
 * Node flags every receiver process starts with: `hookflow start`, `npm run receiver`, the
 * Dockerfile's CMD, docker-compose and the benchmark (a unit test checks they all carry them).
 *
 * A young generation of 4 MB semi-spaces instead of V8's default lets a busy receiver collect
 * its short-lived garbage (a request's body, record and start payload) before the heap grows:
 * at 165 accepted/s on 2 cores the peak RSS fell from 271 MB to 198 MB with no loss of
 * throughput (issue #10's bench, 2026-12-02). V8 reads it only at start, so it cannot be set
 * from inside the process.
 */
export const RECEIVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4'];
