import type { HandlerTable } from '../state.js';

/** Legacy polls: the creator announces each poll; a vote replaces the voter's earlier choice until the poll ends. */
export const pollHandlers: HandlerTable = {
  'PollCreator.PollCreated': (s, e) => {
    (s.extra.polls ??= []).push({
      address: String(e.args.poll).toLowerCase(),
      endBlock: e.args.endBlock as bigint,
      quorum: e.args.quorum as bigint,
      quota: e.args.quota as bigint,
      votes: {},
    });
  },
  'Poll.Vote': (s, e) => {
    const poll = s.extra.polls?.find((p) => p.address === e.address.toLowerCase());
    // Votes after the end (or to a poll created before indexing began) do not count.
    if (poll) poll.votes[String(e.args.voter).toLowerCase()] = BigInt(e.args.choiceID as bigint);
  },
};
