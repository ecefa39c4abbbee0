/**
 * How Actions answer when they refuse: a domain's Refusal becomes Astro's ActionError (its status
 * from the refusal's kind), or a field error beside the field it names. Every Action's handler is
 * wrapped in `handleRefusals`, so domains and guards throw Refusal and never an Astro type. Pure.
 */
import { ActionError, type ActionAPIContext, type ActionErrorCode } from 'astro:actions';
import { Refusal, type RefusalKind } from '../app/refusal';

/**
 * Field messages found by a handler rather than the input schema (checks that need the member's
 * time zone or the database). Serialized like Astro's own input errors, so pages read both alike.
 */
export class FieldErrors extends ActionError {
  readonly type = 'AstroActionInputError';
  readonly issues: { path: string[]; message: string; code: 'custom' }[];
  readonly fields: Record<string, string[]>;

  constructor(problems: Record<string, string>) {
    super({ code: 'BAD_REQUEST', message: 'Please check the highlighted fields.' });
    this.issues = Object.entries(problems).map(([field, message]) => ({ path: [field], message, code: 'custom' }));
    this.fields = Object.fromEntries(Object.entries(problems).map(([field, message]) => [field, [message]]));
  }
}

/** Throws the problems as field errors, when there are any. */
export function throwFieldErrors(problems: Record<string, string>): void {
  if (Object.keys(problems).length > 0) throw new FieldErrors(problems);
}

const ACTION_ERROR_CODES: Record<RefusalKind, ActionErrorCode> = {
  'bad-input': 'BAD_REQUEST',
  unauthorized: 'UNAUTHORIZED',
  forbidden: 'FORBIDDEN',
  'not-found': 'NOT_FOUND',
  conflict: 'CONFLICT',
  'too-many': 'TOO_MANY_REQUESTS',
  unavailable: 'SERVICE_UNAVAILABLE',
};

/** A refusal as the form shows it: beside its field when it names one, otherwise as a message. */
export function actionErrorFor(refusal: Refusal): ActionError {
  if (refusal.field) return new FieldErrors({ [refusal.field]: refusal.message });
  return new ActionError({ code: ACTION_ERROR_CODES[refusal.kind], message: refusal.message });
}

/** An Action's handler whose refusals reach the form as ActionErrors; anything else goes on as thrown. */
export function handleRefusals<Input, Output>(
  handler: (input: Input, context: ActionAPIContext) => Promise<Output>,
): (input: Input, context: ActionAPIContext) => Promise<Output> {
  return async (input, context) => {
    try {
      return await handler(input, context);
    } catch (error) {
      throw error instanceof Refusal ? actionErrorFor(error) : error;
    }
  };
}
