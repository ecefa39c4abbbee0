import { defineAction } from 'astro:actions';
import { Refusal } from '../lib/app/refusal';
import { handleRefusals } from '../lib/forms/action-errors';
import { captureSchema, utmFrom } from '../lib/leads/lead-form';
import { captureLead } from '../lib/leads/leads.server';
import { cheatSheetPages } from '../lib/leads/cheat-sheet-file.server';
import { describeWait, hitRateLimit } from '../lib/http/rate-limit.server';
import { clientNetwork } from '../lib/http/request.server';

export const CAPTURE_PER_IP = { name: 'capture:ip', limit: 10, windowMs: 3_600_000 };

export const leads = {
  /** The cheat-sheet form: always answers "check your inbox", whatever the address's history. */
  capture: defineAction({
    accept: 'form',
    input: captureSchema,
    handler: handleRefusals(async (input, context) => {
      if (input.website) return { ok: true as const };
      const perIp = await hitRateLimit(context.locals.app.db, CAPTURE_PER_IP, clientNetwork(context));
      if (!perIp.allowed) {
        throw new Refusal(
          'too-many',
          'rate-limited',
          `Too many requests from your network. Please try again in ${describeWait(perIp.retryAfterSeconds)}.`,
        );
      }
      const fromReferer = utmFrom(context.request.headers.get('referer'));
      await captureLead(
        context.locals.app,
        {
          email: input.email,
          sourcePath: input.sourcePath,
          sourceArticle: input.sourceArticle,
          utmSource: input.utmSource ?? fromReferer.utmSource,
          utmMedium: input.utmMedium ?? fromReferer.utmMedium,
          utmCampaign: input.utmCampaign ?? fromReferer.utmCampaign,
        },
        await cheatSheetPages(),
      );
      return { ok: true as const };
    }),
  }),
};
