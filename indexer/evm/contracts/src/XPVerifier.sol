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

    address public immutable owner;
    uint256 public threshold;
    mapping(bytes32 => bool) public usedNullifiers;

    constructor(uint256 initialThreshold) {
        owner = msg.sender;
        threshold = initialThreshold;
        emit ThresholdUpdated(0, initialThreshold);
    }

    /// @notice Consumes `nullifier` for a claim of `claimedXP`.
    /// @dev There is no zero-knowledge proof here: `claimedXP >= threshold`
    /// stands in for the real verifier's proof check. The nullifier is
    /// consumed whether or not the claim verifies, as in the production
    /// contract, so herald sees `verified=false` uses too.
    function verifyXPProof(bytes32 nullifier, uint256 claimedXP) external returns (bool verified) {
        if (usedNullifiers[nullifier]) {
            emit NullifierReused(nullifier, msg.sender, block.timestamp);
            return false;
        }
        usedNullifiers[nullifier] = true;
        verified = claimedXP >= threshold;
        emit XPProofVerified(msg.sender, nullifier, claimedXP, threshold, verified);
    }

    function setThreshold(uint256 newThreshold) external {
        require(msg.sender == owner, "XPVerifier: not owner");
        emit ThresholdUpdated(threshold, newThreshold);
        threshold = newThreshold;
    }
}
