// Adapts shared/exposition's parser to the scrape manager: Content-Type negotiation result, errors as data.
import { ExpositionParseError, ParseResult, parseExposition } from '../../shared/exposition/index.ts';
import type { ExpositionParser } from './manager.ts';

/**
 * Parses a scraped body by its Content-Type (falling back as the job's fallback_scrape_protocol says). The target's
 * previous parse, if one of ours, lets unchanged label sets skip re-validation.
 */
export const parseScrapeBody: ExpositionParser = (body, contentType, spec, previous) => {
  try {
    const opts = { fallback: spec.fallbackFormat, previous: previous instanceof ParseResult ? previous : undefined };
    return { ok: true, scrape: parseExposition(body, contentType, opts) };
  } catch (e) {
    if (e instanceof ExpositionParseError) return { ok: false, error: e.message };
    throw e;
  }
};
