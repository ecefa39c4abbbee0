/** The words of the account page (src/pages/account/index.astro). Pure. */

/** A session's browser as the member recognises it: "Phone, Firefox", "Computer, Chrome". */
export function describeAgent(agent: string): string {
  if (!agent) return 'Unknown browser';
  const device = /Mobile|Android|iPhone/.test(agent) ? 'Phone' : 'Computer';
  const browser = /Firefox/.test(agent)
    ? 'Firefox'
    : /Edg\//.test(agent)
      ? 'Edge'
      : /Chrome|Chromium/.test(agent)
        ? 'Chrome'
        : /Safari/.test(agent)
          ? 'Safari'
          : 'browser';
  return `${device}, ${browser}`;
}
