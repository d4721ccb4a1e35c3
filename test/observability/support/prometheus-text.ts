/**
 * Reads the Prometheus text exposition format (version 0.0.4) as a test needs it: samples by name and labels.
 * Written from the format's description (name, optional `{label="value",…}` with \\, \" and \n escapes, value).
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Every sample of `text`; comment lines (# HELP, # TYPE) and blank lines skipped. */
export function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    samples.push({ name: match[1], labels: parseLabels(match[2] ?? ''), value: Number(match[3]) });
  }
  return samples;
}

function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  const pattern = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/g;
  for (const m of text.matchAll(pattern)) labels[m[1]] = m[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
  return labels;
}

/** The value of the one sample of `name` whose labels are exactly `labels`; undefined when there is none. */
export function metricValue(samples: Sample[], name: string, labels: Record<string, string>): number | undefined {
  const wanted = JSON.stringify(Object.entries(labels).sort());
  return samples.find((s) => s.name === name && JSON.stringify(Object.entries(s.labels).sort()) === wanted)?.value;
}

/**
 * Scrapes `${baseUrl}/metrics` until `ready` holds (a counter is incremented just after the run it counts is written,
 * so a scrape right after the run is seen finished may come first); returns that scrape's text. Throws after 10 s.
 */
export async function scrapeUntil(baseUrl: string, ready: (samples: Sample[]) => boolean): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const text = await (await fetch(`${baseUrl}/metrics`)).text();
    if (ready(parseMetrics(text))) return text;
    if (Date.now() > deadline) throw new Error('metrics never showed the expected sample');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
