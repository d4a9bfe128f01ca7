import { ConfigProblem } from "../problems";

/** What one pass returns: its state for later passes and its problems; a pass registers and throws nothing. */
export interface Passed<S> {
    state: S;
    problems: ConfigProblem[];
}

/** Runs passes into one list: each pass's problems are added to `problems`, its state returned. */
export function collect(problems: ConfigProblem[]): <S>(pass: Passed<S>) => S {
    return (pass) => {
        problems.push(...pass.problems);
        return pass.state;
    };
}
