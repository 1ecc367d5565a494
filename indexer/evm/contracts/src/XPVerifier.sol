// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title XPVerifier
/// @notice Emits the production XPVerifier events. Each nullifier is accepted
/// once; a replay emits NullifierReused and returns false instead of reverting,
/// as the deployed contracts do, so replays stay visible on chain.
contract XPVerifier {
    event XPProofVerified(address indexed player, bytes32 indexed nullifier, uint256 claimedXP, uint256 threshold, bool verified);
    event NullifierReused(bytes32 nullifier, address indexed player, uint256 timestamp);
    event ThresholdUpdated(uint256 oldThreshold, uint256 newThreshold);

    /// @notice The nullifier is zero: no proof commits to it.
    error ZeroNullifier();
    /// @notice A claim above the most XP one proof may carry.
    error ClaimTooLarge(uint256 claimedXP, uint256 maxXP);

    uint256 public constant MAX_XP = 1000;

    address public immutable owner;
    uint256 public threshold;
    mapping(bytes32 => bool) public usedNullifiers;

    constructor(uint256 initialThreshold) {
        owner = msg.sender;
        threshold = initialThreshold;
        emit ThresholdUpdated(0, initialThreshold);
    }

    /// @notice Consumes `nullifier` for a claim of `claimedXP`, proven by `proof`.
    /// @dev There is no zero-knowledge proof here: `claimedXP >= threshold`
    /// stands in for the real verifier's proof check, and hashing the proof
    /// word by word for its cost, which grows with the proof as a real
    /// verifier's does (about 250 gas per byte), so that claims' gas varies
    /// around the 285k budget. The nullifier is consumed whether or not the
    /// claim verifies, as in the production contract, so herald sees
    /// `verified=false` uses too. A zero nullifier or a claim above MAX_XP
    /// reverts with a custom error.
    function verifyXPProof(bytes32 nullifier, uint256 claimedXP, bytes calldata proof) external returns (bool verified) {
        if (nullifier == bytes32(0)) revert ZeroNullifier();
        if (claimedXP > MAX_XP) revert ClaimTooLarge(claimedXP, MAX_XP);
        bytes32 acc = nullifier;
        for (uint256 i = 0; i < proof.length; i++) {
            acc = keccak256(abi.encodePacked(acc, proof[i]));
        }
        if (usedNullifiers[nullifier]) {
            emit NullifierReused(nullifier, msg.sender, block.timestamp);
            return false;
        }
        usedNullifiers[nullifier] = true;
        verified = claimedXP >= threshold && acc != bytes32(0);
        emit XPProofVerified(msg.sender, nullifier, claimedXP, threshold, verified);
    }

    function setThreshold(uint256 newThreshold) external {
        require(msg.sender == owner, "XPVerifier: not owner");
        emit ThresholdUpdated(threshold, newThreshold);
        threshold = newThreshold;
    }
}
