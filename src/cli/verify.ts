import { Command } from "commander"; import type { CliIo } from "./io.js"; export function verifyCommand(_io: CliIo): Command { return new Command("verify"); }
