import { runProgram } from "./components/program";

// Every enabled system's outputs become one stack output named after its config section.
export = runProgram();
