#!/usr/bin/env node
// Runs the TypeScript sources through tsx so the CLI needs no separate server build step.
import { register } from "tsx/esm/api";

register();
await import("../server/src/cli.ts");
