// Adapts shared/exposition's parser to the scrape manager: Content-Type negotiation result, errors as data.
import { ExpositionParseError, parseExposition } from '../../shared/exposition/index.ts';
import type { ExpositionParser } from './manager.ts';

/** Parses a scraped body by its Content-Type (falling back as the job's fallback_scrape_protocol says). */
export const parseScrapeBody: ExpositionParser = (body, contentType, spec) => {
  try {
    return { ok: true, scrape: parseExposition(body, contentType, { fallback: spec.fallbackFormat }) };
  } catch (e) {
    if (e instanceof ExpositionParseError) return { ok: false, error: e.message };
    throw e;
  }
};
