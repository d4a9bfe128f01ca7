/**
 * A mistake in the program's own definitions (a constant, a catalog entry, a helper called the wrong way), never in
 * a stack file: the config passes refuse every value a stack file can hold wrong, with its key and its fix, before
 * any of this code runs. Reaching one is a bug of the program to report, so the message says so.
 *
 * It extends Error, not pulumi.RunError: a RunError hides the stack trace, which is right for an operator's mistake
 * (ConfigError) but wrong here, where the trace names the line that made the mistake and is what the developer who
 * fixes it needs. The engine takes seconds to format that trace; only a bug pays that.
 */
export class DefinitionError extends Error {
    constructor(message: string) {
        super(
            `${message} (a definition error of the program, not a problem of the stack file: report it as a bug)`,
        );
        this.name = "DefinitionError";
    }
}
