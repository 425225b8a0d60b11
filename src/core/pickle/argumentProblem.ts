// Why an opcode's argument cannot be read. The text parsers and string decoders return it instead
// of throwing, so that they need no machine state: the unpickler turns it into an error naming
// the opcode and its offset.

export class ArgumentProblem {
  constructor(
    /** Completes "pickle opcode X at offset N: ..." (or "... holds ..." when over a limit). */
    readonly detail: string,
    /** Past one of this reader's bounds (UnsupportedError) rather than malformed (CorruptError). */
    readonly overLimit = false,
  ) {}
}
