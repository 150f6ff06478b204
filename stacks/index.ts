// The Pulumi program (Pulumi.yaml's `main`, compiled to dist/stacks/index.js). Stack outputs are
// what the returned promise resolves to.
import { creditScoringStack } from "./credit-scoring";

export = () => creditScoringStack();
