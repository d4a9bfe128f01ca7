import { ConfigProblem } from "../problems";

/** What one pass returns: its state for later passes and its problems; a pass registers and throws nothing. */
export interface Passed<S> {
    state: S;
    problems: ConfigProblem[];
}
