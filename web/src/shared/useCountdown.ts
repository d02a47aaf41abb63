import { useEffect, useState } from 'react';

/** Seconds left before an SMS code may be sent again; set it to start counting down by one a second. */
export function useCountdown() {
  const [countdown, setCountdown] = useState(0);
  useEffect(() => {
    if (countdown <= 0) return;
    const id = setTimeout(() => setCountdown((c) => c - 1), 1000);
    return () => clearTimeout(id);
  }, [countdown]);
  return [countdown, setCountdown] as const;
}
