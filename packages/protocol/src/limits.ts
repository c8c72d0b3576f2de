/**
 * Text limits of the agent messages, one place for the schemas (messages.ts, events.ts) and for the agent,
 * which fits what it sends to them (`fitText`) instead of having the console refuse the whole message.
 */
export const TEXT_LIMITS = {
  /** apply-result `failed`: the router's own error text */
  applyError: 20_000,
  /** apply-result `rolled-back` and the rollback event */
  rollbackReason: 2000,
  /** error messages */
  errorMessage: 2000,
  pingOutput: 64_000,
  showOutput: 512_000,
} as const;

const CUT_MARK = (n: number) => `\n[… ${n} characters cut …]\n`;

/**
 * `text` within `max` characters. Router errors put the cause first and the verdict ("Commit failed") last, so
 * the head and the tail are kept and the middle is cut, with a note saying how much.
 */
export function fitText(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.length - max;
  // The note's own length depends on the count; two rounds settle it.
  for (let i = 0; i < 2; i++) cut = text.length - max + CUT_MARK(cut).length;
  const keep = text.length - cut;
  if (keep <= 0) return text.slice(0, max);
  const head = Math.ceil(keep / 2);
  return `${text.slice(0, head)}${CUT_MARK(cut)}${text.slice(text.length - (keep - head))}`;
}
