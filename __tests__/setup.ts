import { Testing } from "cdktf";

Testing.setupJest();

// Every test must assert: scripts/jest-every-test-asserts.js.
import "../scripts/jest-every-test-asserts";
