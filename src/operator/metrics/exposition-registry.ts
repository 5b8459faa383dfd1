import { Registry } from 'prom-client';
import { escapeHelp } from './exposition.ts';

/**
 * A metric family whose samples are written directly in the text format, for families with too many series for
 * prom-client's per-series objects (its Gauge API takes seconds for the findings of 10,000 reports).
 */
export interface TextFamily {
  readonly name: string;
  readonly help: string;
  readonly type: 'gauge' | 'counter';
  /**
   * The sample lines, each ending in a line feed, or undefined when the family is not served at the moment (then
   * not even its HELP and TYPE lines appear).
   */
  renderSamples(): Promise<string | undefined>;
}

/**
 * A prom-client registry that also serves text families: `metrics()` returns prom-client's own metrics followed by
 * every registered text family, so one registry renders the whole `/metrics` page.
 */
export class ExpositionRegistry extends Registry {
  readonly #textFamilies: TextFamily[] = [];

  registerTextFamily(family: TextFamily): void {
    if (this.getSingleMetric(family.name) || this.#textFamilies.some(({ name }) => name === family.name)) {
      throw new Error(`A metric with the name ${family.name} has already been registered.`);
    }
    this.#textFamilies.push(family);
  }

  textFamilyNames(): string[] {
    return this.#textFamilies.map(({ name }) => name);
  }

  override async metrics(): Promise<string> {
    const [own, ...rendered] = await Promise.all([
      super.metrics(),
      ...this.#textFamilies.map((family) => family.renderSamples().catch(() => undefined)),
    ]);
    // Blocks end in a line feed and are separated by an empty line, as prom-client separates its own. Concatenated,
    // not joined: a join would copy a page of possibly hundreds of MiB once more before the HTTP write copies it.
    let page = own === '\n' ? '' : own;
    this.#textFamilies.forEach((family, index) => {
      const samples = rendered[index];
      if (samples === undefined) return;
      if (page !== '') page += '\n';
      page += `# HELP ${family.name} ${escapeHelp(family.help)}\n# TYPE ${family.name} ${family.type}\n`;
      page += samples;
    });
    return page;
  }
}
