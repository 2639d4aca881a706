import type { Clock } from '../../core/ports/clock.ts'

/** Rejects with the signal's reason, or a standard AbortError when it has none. */
function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted', 'AbortError')
}

/** Sleeps `ms` on real timers; an abort clears the timer and rejects at once. */
export function sleepWithSignal(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortReason(signal))
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer)
      reject(abortReason(signal!))
    }
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      },
      Math.max(0, ms),
    )
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/** The real wall clock. Tests inject their own Clock instead. */
export const systemClock: Clock = {
  now: () => new Date(),
  nowMs: () => Date.now(),
  sleep: sleepWithSignal,
}
