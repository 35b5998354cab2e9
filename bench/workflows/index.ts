// The bench's own workflows, bundled apart from hookflow's (bench/start-bench-stack.ts).
export { bareOneActivity } from './bare-one-activity';
