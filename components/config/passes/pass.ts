import { ConfigProblem } from "../problems";

/**
 * What one pass of the loader returns: what it read or decided, for the passes after it, and the problems it found.
 * A pass reads only its arguments (and the stack source it is given): it registers nothing and throws nothing for a
 * user's mistake, so every pass runs and one error lists every problem.
 */
export interface Passed<S> {
    state: S;
    problems: ConfigProblem[];
}
