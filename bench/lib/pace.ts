/**
 * Calls `act(i)` for i = 0..count-1 at a fixed arrival rate (i at start + i/rate), checking the
 * schedule every millisecond; a late timer catches up at once, so the average rate holds.
 * Resolves with the achieved rate (calls per second) once the last call was made.
 */
export function atFixedRate(
  rate: number,
  count: number,
  act: (i: number) => void,
): Promise<{ achievedRate: number; lateMsMax: number }> {
  const interval = 1000 / rate
  const start = performance.now()
  let issued = 0
  let lateMsMax = 0
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      try {
        const now = performance.now()
        while (issued < count && start + issued * interval <= now) {
          lateMsMax = Math.max(lateMsMax, now - (start + issued * interval))
          act(issued)
          issued += 1
        }
        if (issued >= count) {
          clearInterval(timer)
          const elapsed = (performance.now() - start) / 1000
          resolve({ achievedRate: count > 1 ? (count - 1) / elapsed : rate, lateMsMax })
        }
      } catch (error) {
        clearInterval(timer)
        reject(error instanceof Error ? error : new Error(String(error)))
      }
    }, 1)
  })
}
