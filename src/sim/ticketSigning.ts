import { concat, encodePacked, hashMessage, keccak256, numberToHex, type Address, type Hex } from 'viem';
import { sign } from 'viem/accounts';

/** A probabilistic-micropayment ticket as TicketBroker takes it. */
export interface Ticket {
  recipient: Address;
  sender: Address;
  faceValue: bigint; // ETH-wei
  winProb: bigint; // probability winProb / (2^256 − 1)
  senderNonce: bigint;
  recipientRandHash: Hex;
  auxData: Hex;
}

/** TicketBroker.getTicketHash. */
export function ticketHash(t: Ticket): Hex {
  return keccak256(
    encodePacked(
      ['address', 'address', 'uint256', 'uint256', 'uint256', 'bytes32', 'bytes'],
      [t.recipient, t.sender, t.faceValue, t.winProb, t.senderNonce, t.recipientRandHash, t.auxData],
    ),
  );
}

/** TicketBroker's win check: keccak256(sig ++ recipientRand) < winProb. */
export function isWinningTicket(sig: Hex, recipientRand: bigint, winProb: bigint): boolean {
  return BigInt(keccak256(concat([sig, numberToHex(recipientRand, { size: 32 })]))) < winProb;
}

/**
 * The first winning ticket a gateway sends from `ticket.senderNonce` on: each nonce is a ticket it signs (an
 * Ethereum signed message over the ticket hash, as go-livepeer does); the orchestrator keeps the one that wins
 * against its recipientRand. Returns the winning ticket, its signature and how many tickets were sent.
 */
export async function firstWinningTicket(ticket: Ticket, privateKey: Hex, recipientRand: bigint): Promise<{ ticket: Ticket; sig: Hex; sent: number }> {
  for (let sent = 1; ; sent++) {
    const sig = await sign({ hash: hashMessage({ raw: ticketHash(ticket) }), privateKey, to: 'hex' });
    if (isWinningTicket(sig, recipientRand, ticket.winProb)) return { ticket, sig, sent };
    ticket = { ...ticket, senderNonce: ticket.senderNonce + 1n };
  }
}
