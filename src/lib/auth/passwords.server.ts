/**
 * Password hashes: argon2id with parameters we name rather than the library's defaults, which
 * have changed between versions. A stored hash made with other parameters still verifies, and is
 * replaced with one made with these at the member's next successful sign-in.
 */
import { hash, verify } from '@node-rs/argon2';

/**
 * OWASP's minimum for argon2id (Password Storage Cheat Sheet): 19 MiB of memory, 2 passes, 1 lane.
 * About 13 ms a hash here; raising it costs every sign-in, sign-up and password change as much.
 */
export const PASSWORD_HASHING = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  // argon2id and version 0x13 are the library's defaults and its only sensible choice; the PHC
  // string says so, and `needsRehash` checks it.
  return hash(password, PASSWORD_HASHING);
}

/** False for a wrong password and for a stored value that is not a hash at all. */
export async function passwordMatches(storedHash: string, password: string): Promise<boolean> {
  try {
    return await verify(storedHash, password);
  } catch {
    return false;
  }
}

/** `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`: the PHC string argon2 stores. */
const PHC = /^\$(argon2(?:id|i|d))\$v=(\d+)\$m=(\d+),t=(\d+),p=(\d+)\$/;

/** True when a stored hash was made with anything but the current algorithm and parameters. */
export function needsRehash(storedHash: string): boolean {
  const match = PHC.exec(storedHash);
  if (!match) return true;
  const [, algorithm, version, memoryCost, timeCost, parallelism] = match;
  return (
    algorithm !== 'argon2id' ||
    Number(version) !== 19 ||
    Number(memoryCost) !== PASSWORD_HASHING.memoryCost ||
    Number(timeCost) !== PASSWORD_HASHING.timeCost ||
    Number(parallelism) !== PASSWORD_HASHING.parallelism
  );
}

/**
 * A hash of nothing anyone can type, made with the current parameters when the server starts, to
 * check a password against when there is no account: an unknown address costs the same argon2
 * work as a known one.
 */
export const NO_ACCOUNT_HASH: Promise<string> = hashPassword(
  'no account has this password; it only spends the time a real check takes',
);
