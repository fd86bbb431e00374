/** Which dialog nodes, quick-reply options and catalog services the scripts reached. */
import { summarize, type ScriptResult } from './runner.js';

export interface CoverageUniverse {
  nodes: string[];
  /** `node:optionId` for every quick reply a dialog node offers. */
  options: string[];
  services: string[];
}

export interface CoverageReport {
  percent: number;
  missed: { nodes: string[]; options: string[]; services: string[] };
  totals: { nodes: number; options: number; services: number };
}

export function reached(results: ScriptResult[]) {
  const nodes = new Set<string>();
  const options = new Set<string>();
  const services = new Set<string>();
  for (const r of results) {
    for (const turn of r.turns) {
      const s = summarize(turn.replies);
      s.nodes.forEach((n) => nodes.add(n));
      s.services.forEach((id) => services.add(id));
      // Clicked or typed: the engine reports which quick reply answered the question.
      s.answered.forEach((a) => options.add(a));
    }
  }
  return { nodes, options, services };
}

export function coverage(universe: CoverageUniverse, results: ScriptResult[]): CoverageReport {
  const got = reached(results);
  const missed = {
    nodes: universe.nodes.filter((n) => !got.nodes.has(n)),
    options: universe.options.filter((o) => !got.options.has(o)),
    services: universe.services.filter((s) => !got.services.has(s)),
  };
  const total = universe.nodes.length + universe.options.length + universe.services.length;
  const hit = total - missed.nodes.length - missed.options.length - missed.services.length;
  return {
    percent: total === 0 ? 100 : Math.round((hit / total) * 1000) / 10,
    missed,
    totals: {
      nodes: universe.nodes.length,
      options: universe.options.length,
      services: universe.services.length,
    },
  };
}
