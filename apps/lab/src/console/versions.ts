/**
 * Which FRR and which charon a router really runs, from `vtysh -c 'show version'` (first line
 * `FRRouting 10.3 (lab) on Linux(…).`) and `swanctl --version --daemon` (`strongSwan 6.0.1 charon (Linux, …)`).
 */

export const frrVersionIn = (text: string): string | undefined => /^FRRouting (\S+) /m.exec(text)?.[1];

export const charonVersionIn = (text: string): string | undefined => /^strongSwan (\S+) charon /m.exec(text)?.[1];

/** "10.3" matches 10.3 and 10.3.1, not 10.30 */
export const isVersion = (found: string | undefined, wanted: string): boolean =>
  found !== undefined && (found === wanted || found.startsWith(`${wanted}.`));
