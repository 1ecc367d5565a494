// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title XPVerifierStub
/// @notice Emits the deployed stub's events (ProofVerified with four
/// arguments), the V2 overload (with a success flag) and NullifierReused.
/// No proof is checked. emitDuplicateUse emits a use event for a nullifier
/// that is already used, something a correct verifier never does, so that
/// herald's handling of a duplicate use can be exercised.
contract XPVerifierStub {
    event ProofVerified(address indexed player, uint256 xpEarned, bytes32 nullifier, uint256 timestamp);
    event ProofVerified(address indexed player, uint256 xpEarned, bytes32 nullifier, uint256 timestamp, bool success);
    event NullifierReused(bytes32 nullifier, address indexed player, uint256 timestamp);

    mapping(bytes32 => bool) public usedNullifiers;

    /// @notice Consumes `nullifier` and emits the stub's ProofVerified; a replay emits NullifierReused.
    function verifyProof(bytes32 nullifier, uint256 xpEarned) external returns (bool) {
        if (usedNullifiers[nullifier]) {
            emit NullifierReused(nullifier, msg.sender, block.timestamp);
            return false;
        }
        usedNullifiers[nullifier] = true;
        emit ProofVerified(msg.sender, xpEarned, nullifier, block.timestamp);
        return true;
    }

    /// @notice Consumes `nullifier` and emits the V2 ProofVerified with `success`; a replay emits NullifierReused.
    function verifyProofV2(bytes32 nullifier, uint256 xpEarned, bool success) external returns (bool) {
        if (usedNullifiers[nullifier]) {
            emit NullifierReused(nullifier, msg.sender, block.timestamp);
            return false;
        }
        usedNullifiers[nullifier] = true;
        emit ProofVerified(msg.sender, xpEarned, nullifier, block.timestamp, success);
        return success;
    }

    /// @notice Emits a second ProofVerified for an already used nullifier.
    function emitDuplicateUse(bytes32 nullifier, uint256 xpEarned) external {
        require(usedNullifiers[nullifier], "XPVerifierStub: nullifier not used");
        emit ProofVerified(msg.sender, xpEarned, nullifier, block.timestamp);
    }
}
