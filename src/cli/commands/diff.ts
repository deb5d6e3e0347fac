import { UsageError } from "../../diagnostics/issue.js";
import type { Io } from "../io.js";
import type { CommandResult } from "./shared.js";

export async function diffCommand(_argv: readonly string[], _io: Io): Promise<CommandResult> {
  throw new UsageError("diff is not available yet");
}
