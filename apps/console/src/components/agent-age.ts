import { type TimeInput, timeAgo } from "./time";

/** "12 s ago", "5 min ago": the age of a report or of the last time an agent was seen (the time module's format). */
export function ageOf(value: TimeInput | null | undefined, now = Date.now()): string {
  return timeAgo(value, now);
}
