import { installRecorder, settle } from "../mocks/recorder";

// The floor: the same mocks and runtime with a program that registers nothing.
async function main(): Promise<void> {
    installRecorder("bench");
    await settle();
}

void main();
