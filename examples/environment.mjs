// What every example reads from its environment:
//   JETFIT_THREADS=n  the threads fit uses (init's `threads`; default every core)
//   JETFIT_SAVE=path  where to write the trained network's toJSON(), a network of the
//                     problem's own coordinates, to keep it or check it against a reference
import { writeFileSync } from 'node:fs';

/** init's options from JETFIT_THREADS (init refuses anything but a whole number ≥ 1). */
export function initOptions() {
  const threads = process.env.JETFIT_THREADS;
  return threads === undefined || threads === '' ? {} : { threads: Number(threads) };
}

/**
 * Writes net.toJSON() to JETFIT_SAVE when it is set; returns the path or null. An example
 * that trains several networks names each (`part`): it goes to the path with `-part`
 * before the extension.
 */
export function saveNetwork(net, part) {
  const given = process.env.JETFIT_SAVE;
  if (!given) return null;
  const path = part === undefined ? given : given.replace(/(\.[^./\\]*)?$/, (ext) => `-${part}${ext}`);
  writeFileSync(path, JSON.stringify(net.toJSON()));
  console.log(`saved the trained network to ${path}`);
  return path;
}
