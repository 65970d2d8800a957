/**
 * Work to do when a command ends, however it ends: e.g. releasing the WebGPU device, which
 * would otherwise keep Node alive. Commands register it; main() runs it once.
 */
const tasks: (() => Promise<void> | void)[] = [];

export const atCommandEnd = (task: () => Promise<void> | void): void => {
  tasks.push(task);
};

export async function runCleanup(): Promise<void> {
  for (const task of tasks.splice(0).reverse()) {
    try {
      await task();
    } catch {
      // Cleanup must not hide the command's own outcome.
    }
  }
}
