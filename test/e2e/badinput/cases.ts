/**
 * The bad requests, by endpoint: hand-written ones for each known way in, and generated ones
 * (seeded, so a failure reproduces) that mutate a valid transaction. Every forged event
 * carries a marker text; none may ever be recorded by the bridge or reach a platform.
 */
import {
  authCases,
  bodyCases,
  contentCases,
  eventShapeCases,
  fuzzCases,
  routeCases,
} from './appservice-cases.js';
import type { BadCase, CaseContext } from './case-kit.js';
import { adminCases, mediaCases, webhookCases } from './surface-cases.js';
import { teamsWebhookCases } from './teams-cases.js';

export { prng, type BadCase, type CaseContext, type Expectation } from './case-kit.js';

export function allCases(
  ctx: CaseContext,
  probeSignatureOfOtherBody: string,
  fuzz = { count: 60, seed: 7 },
): BadCase[] {
  return [
    ...authCases(ctx),
    ...bodyCases(ctx),
    ...eventShapeCases(ctx),
    ...contentCases(ctx),
    ...routeCases(ctx),
    ...webhookCases(probeSignatureOfOtherBody),
    ...teamsWebhookCases(ctx),
    ...mediaCases(ctx),
    ...adminCases(ctx),
    ...fuzzCases(ctx, fuzz.count, fuzz.seed),
  ];
}
