/** Times the phases of a step from its onProgress callback: each phase runs until the next one starts. */
export interface PhaseTimer {
  onProgress: (step: string) => void;
  /** Ends the last phase and returns every phase with its seconds. */
  finish(): { step: string; s: number }[];
}

export function phaseTimer(): PhaseTimer {
  const phases: { step: string; s: number }[] = [];
  let last = performance.now();
  let lastStep = 'start';
  const close = (next: string): void => {
    const now = performance.now();
    phases.push({ step: lastStep, s: (now - last) / 1000 });
    last = now;
    lastStep = next;
  };
  return {
    onProgress: close,
    finish: () => {
      close('end');
      return phases.filter((p) => p.step !== 'start');
    },
  };
}
