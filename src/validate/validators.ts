import type { ValidateFunction } from "ajv";
import { VALIDATORS } from "../generated/validators.js";
import { runtimeValidator } from "./ajv.js";

/**
 * The validator for a schema `$id` (optionally with `#/json/pointer`), precompiled by
 * `npm run schemas` into src/generated/validators.ts: compiling the schemas at start-up
 * would cost more than validating a thousand clusters.
 */
export function validatorFor(ref: string): ValidateFunction {
  // A fleet repository's own operator schemas are compiled at run time (see overrideSchemas).
  const fn = runtimeValidator(ref) ?? (VALIDATORS as unknown as Record<string, ValidateFunction | undefined>)[ref];
  if (fn === undefined) throw new Error(`no precompiled validator for ${ref}; add it to VALIDATED in src/schemas/validators.ts and run npm run schemas`);
  return fn;
}
