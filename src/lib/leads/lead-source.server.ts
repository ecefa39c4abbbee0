/**
 * Where a lead came from and what it agreed to: the columns both the member's own data export
 * (account-data.ts) and the coach's member page (coach-members.ts) read from a lead.
 */
import { leads } from '../../../db/schema.ts';

export function leadSourceColumns() {
  return {
    sourcePath: leads.sourcePath,
    sourceArticle: leads.sourceArticle,
    utmSource: leads.utmSource,
    utmMedium: leads.utmMedium,
    utmCampaign: leads.utmCampaign,
    consentText: leads.consentText,
    consentAt: leads.consentAt,
  };
}
