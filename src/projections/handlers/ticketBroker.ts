import type { HandlerTable } from '../state.js';
import { recordParameter } from './parameters.js';

/**
 * TicketBroker: gateway deposits and reserves, and winning tickets. A redemption emits ReserveClaimed (if the
 * reserve paid part), then WinningTicketTransfer (what was paid, if anything), then WinningTicketRedeemed.
 * Fees count for the round the redemption lands in (BondingManager.updateTranscoderWithFees uses the current round).
 */
export const ticketBrokerHandlers: HandlerTable = {
  'TicketBroker.DepositFunded': (s, e, { block }) => {
    s.gateway(e.args.sender as string, block).deposit += e.args.amount as bigint;
  },
  'TicketBroker.ReserveFunded': (s, e, { block }) => {
    s.gateway(e.args.reserveHolder as string, block).reserve += e.args.amount as bigint;
  },
  'TicketBroker.ReserveClaimed': (s, e, { block }) => {
    s.gateway(e.args.reserveHolder as string, block).reserve -= e.args.amount as bigint;
    s.tickets.reservePaid.set(e.txHash, (s.tickets.reservePaid.get(e.txHash) ?? 0n) + (e.args.amount as bigint));
  },
  'TicketBroker.Unlock': (s, e, { block }) => {
    s.gateway(e.args.sender as string, block).withdraw_round = e.args.endRound as bigint;
  },
  'TicketBroker.UnlockCancelled': (s, e, { block }) => {
    s.gateway(e.args.sender as string, block).withdraw_round = null;
  },
  'TicketBroker.Withdrawal': (s, e, { block }) => {
    const g = s.gateway(e.args.sender as string, block);
    g.deposit = 0n;
    g.reserve = 0n;
    g.withdraw_round = null;
  },
  'TicketBroker.WinningTicketTransfer': (s, e, { block }) => {
    const amount = e.args.amount as bigint;
    const recipient = e.args.recipient as string;
    const g = s.gateway(e.args.sender as string, block);
    const fromReserve = s.tickets.reservePaid.get(e.txHash) ?? 0n;
    s.tickets.reservePaid.delete(e.txHash);
    g.deposit -= amount - fromReserve;
    g.fees_paid += amount;
    const R = s.extra.lastRound;
    try {
      s.ledger.updateTranscoderWithFees({ round: R, transcoder: recipient, fees: amount });
    } catch (err) {
      s.diverge(e, 'fees replay', 'succeeds as on chain', (err as Error).message);
    }
    s.payment(recipient, R).fees += amount;
    const round = s.touchRound(R);
    if (round) round.fees += amount;
    s.tickets.lastPaid = amount;
  },
  'TicketBroker.WinningTicketRedeemed': (s, e, { block }) => {
    const aux = String(e.args.auxData);
    const creationRound = aux.length >= 66 ? BigInt(`0x${aux.slice(2, 66)}`) : null;
    // A ticket's WinningTicketTransfer (if anything was paid) comes right before its WinningTicketRedeemed.
    const paid = s.tickets.lastPaid;
    s.tickets.lastPaid = 0n;
    const g = s.gateway(e.args.sender as string, block);
    g.winning_tickets += 1;
    g.face_value_total += e.args.faceValue as bigint;
    const R = s.extra.lastRound;
    const round = s.touchRound(R);
    if (round) round.winning_tickets += 1;
    s.changes.tickets.push({
      block_number: e.blockNumber,
      log_index: e.logIndex,
      tx_hash: e.txHash,
      block_time: block.timestamp,
      round: R,
      sender: e.args.sender as string,
      recipient: e.args.recipient as string,
      face_value: e.args.faceValue as bigint,
      win_prob: e.args.winProb as bigint,
      sender_nonce: e.args.senderNonce as bigint,
      creation_round: creationRound,
      paid,
    });
  },
  'TicketBroker.ParameterUpdate': recordParameter,
};
