// Which implementation of each upgradeable Livepeer contract is meant: the chain layer tags networks and
// deployments with it, the protocol layer picks its rules by it; one table below both.

/** Contracts whose implementation the Controller switched over the network's history. */
export type VersionedContract = 'BondingManager' | 'TicketBroker' | 'Minter' | 'RoundsManager';

/** An implementation version per versioned contract (1 = the first deployed on Arbitrum One). */
export type ProtocolVersions = Readonly<Record<VersionedContract, number>>;

/**
 * The versions Arbitrum One runs today (BondingManagerTarget v9, TicketBrokerTarget v3, Minter v2,
 * RoundsManagerTarget v1): the newest the rules know, and what the simulator's contracts implement.
 */
export const LATEST_VERSIONS: ProtocolVersions = { BondingManager: 9, TicketBroker: 3, Minter: 2, RoundsManager: 1 };
