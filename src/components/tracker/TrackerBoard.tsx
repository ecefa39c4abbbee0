/**
 * The board: every entry in a column by stage, with search and filters. Rendered on the server
 * as plain forms (search is a GET form, a stage change a POST form), so it works without
 * JavaScript; once hydrated, filtering is instant and a stage change moves the card in place.
 */
import { actions } from 'astro:actions';
import { memo, type SyntheticEvent, useId, useMemo, useState } from 'react';
import { MAX_SEARCH_LENGTH } from '../../lib/forms/fields';
import { KIND_LABELS, STAGE_LABELS, STAGES, type Stage } from '../../lib/tracker/model';
import { BOARD_COLUMN_LABELS, BOARD_COLUMNS, type BoardCard, type BoardColumn } from '../../lib/tracker/view';

interface Props {
  cards: BoardCard[];
  q: string;
  kind: string;
  stage: string;
  archived: boolean;
  filtered: boolean;
  /** Where a stage change posts without JavaScript. */
  stageAction: string;
}

function matches(card: BoardCard, words: string[], kind: string, stage: string): boolean {
  if (kind && card.kind !== kind) return false;
  if (stage && card.stage !== stage) return false;
  const haystack = `${card.company} ${card.contactName} ${card.roleTitle}`.toLowerCase();
  return words.every((word) => haystack.includes(word));
}

/** Where a card goes when its stage changes: open entries keep their column until the page reloads. */
function columnForStage(card: BoardCard, stage: Stage): BoardColumn {
  if (stage === 'offer') return 'offer';
  if (stage !== 'open') return 'closed';
  return card.column === 'offer' || card.column === 'closed' ? 'scheduled' : card.column;
}

function TrackerBoard(props: Props) {
  const [cards, setCards] = useState(props.cards);
  const [q, setQ] = useState(props.q);
  const [kind, setKind] = useState(props.kind);
  const [stage, setStage] = useState(props.stage);
  const [message, setMessage] = useState('');
  const formId = useId();

  const words = useMemo(() => q.toLowerCase().split(/\s+/).filter(Boolean), [q]);
  const visible = cards.filter((card) => matches(card, words, kind, stage));

  async function changeStage(card: BoardCard, next: Stage, event?: SyntheticEvent) {
    event?.preventDefault();
    const form = new FormData();
    form.set('id', card.id);
    form.set('stage', next);
    const { error } = await actions.tracker.setStage(form);
    if (error) {
      setMessage(error.message);
      return;
    }
    setCards((current) =>
      current.map((item) =>
        item.id === card.id
          ? { ...item, stage: next, stageLabel: STAGE_LABELS[next], column: columnForStage(item, next) }
          : item,
      ),
    );
    setMessage(`${card.company} moved to ${STAGE_LABELS[next]}.`);
  }

  return (
    <div className="board">
      <form
        className="board-filters"
        method="get"
        action="/tracker/board"
        role="search"
        onSubmit={(event) => event.preventDefault()}
      >
        <div className="field">
          <label htmlFor={`${formId}-q`}>Search</label>
          <input
            id={`${formId}-q`}
            type="search"
            name="q"
            value={q}
            maxLength={MAX_SEARCH_LENGTH}
            placeholder="Company, person or role"
            onChange={(event) => {
              setQ(event.target.value);
              setMessage('');
            }}
          />
        </div>
        <div className="field">
          <label htmlFor={`${formId}-kind`}>Kind</label>
          <select
            id={`${formId}-kind`}
            name="kind"
            value={kind}
            onChange={(event) => {
              setKind(event.target.value);
              setMessage('');
            }}
          >
            <option value="">All</option>
            <option value="interview">{KIND_LABELS.interview}</option>
            <option value="networking">{KIND_LABELS.networking}</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${formId}-stage`}>Stage</label>
          <select
            id={`${formId}-stage`}
            name="stage"
            value={stage}
            onChange={(event) => {
              setStage(event.target.value);
              setMessage('');
            }}
          >
            <option value="">All</option>
            {STAGES.map((value) => (
              <option key={value} value={value}>
                {STAGE_LABELS[value]}
              </option>
            ))}
          </select>
        </div>
        <label className="inline-check">
          <input
            type="checkbox"
            name="archived"
            value="1"
            defaultChecked={props.archived}
            onChange={(event) => event.currentTarget.form?.submit()}
          />{' '}
          Archived
        </label>
        <noscript>
          <button className="button secondary" type="submit">
            Filter
          </button>
        </noscript>
        {props.filtered && <a href="/tracker/board">Clear filters</a>}
      </form>
      <p className="board-status" role="status">
        {message || `${visible.length} of ${cards.length} ${cards.length === 1 ? 'entry' : 'entries'} shown.`}
      </p>
      <div className="board-columns">
        {BOARD_COLUMNS.map((column) => {
          const inColumn = visible.filter((card) => card.column === column);
          return (
            <section
              key={column}
              id={`column-${column}`}
              className="board-column"
              aria-labelledby={`${formId}-${column}`}
            >
              <h2 id={`${formId}-${column}`}>
                {BOARD_COLUMN_LABELS[column]} <span className="count">{inColumn.length}</span>
              </h2>
              <ul>
                {inColumn.map((card) => (
                  <li key={card.id} className="board-card">
                    <a href={`/tracker/o/${card.id}`}>
                      <strong>{card.company}</strong>
                      <span>
                        {card.contactName}
                        {card.roleTitle && ` · ${card.roleTitle}`}
                      </span>
                    </a>
                    {card.step && (
                      <p className={card.overdue ? 'card-due overdue' : 'card-due'}>
                        {card.step}: {card.due}
                        {card.overdue && ' (overdue)'}
                      </p>
                    )}
                    <form
                      method="post"
                      action={props.stageAction}
                      className="stage-form"
                      onSubmit={(event) => {
                        const select = event.currentTarget.elements.namedItem('stage') as HTMLSelectElement;
                        void changeStage(card, select.value as Stage, event);
                      }}
                    >
                      <input type="hidden" name="id" value={card.id} />
                      <label className="visually-hidden" htmlFor={`${formId}-${card.id}-stage`}>
                        Stage of {card.company}
                      </label>
                      <select
                        id={`${formId}-${card.id}-stage`}
                        name="stage"
                        value={card.stage}
                        onChange={(event) => void changeStage(card, event.target.value as Stage)}
                      >
                        {STAGES.map((value) => (
                          <option key={value} value={value}>
                            {STAGE_LABELS[value]}
                          </option>
                        ))}
                      </select>
                      <noscript>
                        <button className="link-button" type="submit">
                          Move
                        </button>
                      </noscript>
                    </form>
                  </li>
                ))}
              </ul>
            </section>
          );
        })}
      </div>
    </div>
  );
}

// memo() marks it as React for Astro's renderer, which otherwise renders it once more to find out.
export default memo(TrackerBoard);
