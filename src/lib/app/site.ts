/** Who runs this site. A coach who deploys their own copy edits this one file. */
export const SITE = {
  name: 'Own the Follow-Up',
  tagline: 'Stop waiting for the call. Own the follow-up.',
  description:
    'Practical guidance for job seekers on following up after interviews and networking calls: what to send, when to send it, and how to stay top of mind without nagging.',
  locale: 'en',
  coach: {
    name: 'Morgan Ellis',
    role: 'Career coach',
    shortBio:
      'Morgan has coached job seekers through thousands of interviews and believes the follow-up is where most offers are quietly won or lost.',
  },
} as const;

export const ARTICLES_PER_PAGE = 4;
