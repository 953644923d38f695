// Campaign days are Beijing-time days (Asia/Shanghai, UTC+8 all year), wherever the
// organiser's browser is.

const OFFSET_MS = 8 * 3_600_000;

/** Midnight in Beijing of a date input's "YYYY-MM-DD", in epoch ms (NaN when empty). */
export function shanghaiMidnight(day) {
  const [year, month, date] = day.split("-").map(Number);
  return day ? Date.UTC(year, month - 1, date) - OFFSET_MS : Number.NaN;
}

/** The Beijing day ("YYYY-MM-DD") an instant in epoch ms falls on. */
export function shanghaiDay(ms) {
  return new Date(ms + OFFSET_MS).toISOString().slice(0, 10);
}

/** An instant as Beijing date and time ("YYYY-MM-DD HH:MM"). */
export function shanghaiTime(ms) {
  return new Date(ms + OFFSET_MS).toISOString().slice(0, 16).replace("T", " ");
}
