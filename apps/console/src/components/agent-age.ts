/** "12 s ago", "5 min ago": the age of a report or of the last time an agent was seen. */
export function ageOf(value: Date | string | null | undefined, now = Date.now()): string {
  if (!value) return "never";
  const s = Math.max(0, Math.round((now - new Date(value).getTime()) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}
