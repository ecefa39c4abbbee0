-- The nurture sequence as it was written in code (src/lib/email/templates), now stored so the coach can
-- edit it at /coach/email/sequence. Steps are never deleted: a lead's place points at one.
INSERT INTO `sequence_steps` (`id`, `kind`, `position`, `delay_days`, `subject`, `preview`, `body_markdown`, `for_members`) VALUES ('cheat-sheet', 'delivery', 10, 0, 'Your Interview Success Cheat Sheet', 'Your download link is inside, plus the two-minute routine that makes the sheet pay off.', 'You''re confirmed, and the Interview Success Cheat Sheet is yours: every follow-up, from the thank-you note to the last polite check-in, with wording you can adapt in a minute.

## How to use it

Open the sheet straight after each interview or networking call, while the conversation is still fresh, and find the message that''s due next: the thank-you note within 24 hours, the check-in once their timeline has passed.

Then fill in the template with one specific thing you talked about. That single detail is what makes a follow-up read as yours rather than a form letter.

In two days I''ll send you a thank-you note before and after that detail goes in, so you can see the difference it makes.', 1) ON CONFLICT (`id`) DO NOTHING;--> statement-breakpoint
INSERT INTO `sequence_steps` (`id`, `kind`, `position`, `delay_days`, `subject`, `preview`, `body_markdown`, `for_members`) VALUES ('thank-you-in-practice', 'content', 20, 2, 'The thank-you note, before and after', 'The same thank-you note twice: once forgettable, once with the detail that makes it stick.', '# One detail turns a polite note into a memorable one

The first message on your cheat sheet is the thank-you note, and it has the firmest deadline: send it within 24 hours of the interview. Almost every candidate sends one. Very few send one the interviewer still remembers when the team sits down to compare notes. Here''s the same note written both ways.

**Before: could be from anyone**

> Hi Dana,
>
> Thanks so much for meeting with me today. I really enjoyed learning more about the role and the team, and I think I would be a strong addition. Please let me know if you need anything else from me.
>
> Best,\
> Alex

Nothing is wrong with it, and nothing in it is yours. Swap the names and any candidate could have sent it after any interview.

**After: only you could have sent it**

> Hi Dana,
>
> Thank you for this afternoon''s conversation about the customer support lead role. What you said about reply times slipping every time a new feature ships has stayed with me. At my last company I set up a launch-week rota and a shared library of saved replies, and our first-reply time stayed under two hours through three launches.
>
> I''d love to bring that to your team, and I''m keen on the role. Thanks again for your time.
>
> Best,\
> Alex

## What changed

- It names one thing the interviewer actually said.
- It ties that one thing to one result of yours, with a number.
- It says plainly that you want the job.

It leaves out everything else: no recap of your CV, no questions about salary or timing. Those belong in later messages.

Try this after your next interview: before you open your inbox, write down three things the interviewer cared about. Pick the one closest to your own experience. That''s your detail.

The full guide covers panel interviews, second and third rounds, and the mistakes that undo a good note: [read the thank-you note guide](/articles/thank-you-note-within-24-hours).', 1) ON CONFLICT (`id`) DO NOTHING;--> statement-breakpoint
INSERT INTO `sequence_steps` (`id`, `kind`, `position`, `delay_days`, `subject`, `preview`, `body_markdown`, `for_members`) VALUES ('track-your-follow-ups', 'content', 30, 6, 'Track every follow-up in one place', 'The sheet tells you what to send. The tracker tells you when, for every conversation at once.', '# Know which follow-up is due today

You''ve had the cheat sheet for about a week. If your search is moving, you probably have several conversations going by now, each with its own timeline and its own detail to mention. Holding all of those dates in your head is exactly where follow-ups slip.

The Own the Follow-Up tracker keeps that schedule for you. Log an interview or networking call in a minute, and it:

- tells you which follow-ups are due today, and warns you before you send one too soon or too late;
- drafts each message from the cheat-sheet templates, filled in with the details of that conversation;
- reminds you by email when the next one is due.

**[Start tracking your follow-ups](/signup)**

It runs on the same playbook as the sheet: the thank-you note within 24 hours, a check-in once their timeline has passed, later check-ins spaced further apart, and a graceful close when it''s time to move on.

Whatever you use, a notebook or the tracker, keep owning the follow-up. It''s the part of the search that is entirely up to you.', 0) ON CONFLICT (`id`) DO NOTHING;--> statement-breakpoint
-- Leads mid-sequence keep their place: nurture_step counted the emails queued (1 = the sheet).
UPDATE `leads` SET `sequence_step_id` = CASE `nurture_step`
	WHEN 1 THEN 'cheat-sheet'
	WHEN 2 THEN 'thank-you-in-practice'
	WHEN 3 THEN 'track-your-follow-ups'
END WHERE `nurture_step` BETWEEN 1 AND 3 AND `sequence_step_id` IS NULL;
