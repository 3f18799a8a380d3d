// The shape every CLI command has. Commands live one per file in ./commands and are loaded
// lazily so that `shoebox debug tokenize` does not pay for SQLite, sharp or ONNX Runtime.

export interface CliIO {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stdin: NodeJS.ReadableStream;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

export interface Command {
  /** One line for `shoebox help`. */
  readonly summary: string;
  /** Full usage text for `shoebox <name> --help`. */
  readonly usage: string;
  /** Returns the process exit code. Errors are printed by the command as one line on stderr. */
  run(args: string[], io: CliIO): Promise<number>;
}
